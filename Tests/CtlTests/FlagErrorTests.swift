import Foundation
import TestSupport
import Testing

/// Command lines `influxd-ctl` cannot use: each ends with one line on standard error that names
/// the flag or file, nothing on standard output, and exit status 1; none prints help.
@Suite("influxd-ctl flag errors")
struct FlagErrorTests {
    static let cases: [([String], String)] = [
        (["-auth-type", "foo", "show"], #"show: -auth-type: invalid value "foo" (use none, basic or jwt)"#),
        (["show", "--auth-type=foo"], #"show: -auth-type: invalid value "foo" (use none, basic or jwt)"#),
        (["-auth-type", "basic", "show"], "show: -auth-type basic needs -user (and -pwd)"),
        (
            ["-auth-type", "jwt", "-user", "ann", "show"],
            "show: -auth-type jwt needs -secret (the meta nodes' shared-secret)"
        ),
        (
            ["-auth-type=basic", "-user=ann", "-secret=s", "show"],
            "show: -secret is for -auth-type jwt; with basic, use -user and -pwd"
        ),
        (
            ["-user", "ann", "show"],
            "show: -user needs -auth-type basic or jwt (the default, none, sends no credentials)"
        ),
        (
            ["-timeout", "soon", "show"],
            #"show: -timeout: invalid duration "soon" (use Go syntax such as "10s" or "1m0s")"#
        ),
        (["-k=maybe", "show"], #"show: -k: invalid boolean value "maybe" (use true or false)"#),
        (["show", "-bind"], "show: -bind needs a value: -bind <host:port>"),
        (
            ["-config", "/nonexistent/influxdb-meta.conf", "show"],
            "show: open /nonexistent/influxdb-meta.conf: no such file or directory"
        ),
        (["show", "-hosts"], "show: Unknown option '--hosts' (see influxd-ctl show -help)"),
        (["-bind", "nocolon", "show"], "show: operation exited with error: nocolon is not a host:port address"),
    ]

    @Test("a bad flag or value is one line and exit 1", arguments: cases)
    func rejected(arguments: [String], message: String) async throws {
        let result = try await ctl(arguments)
        #expect(result.status == 1)
        #expect(result.stderr == message + "\n")
        #expect(result.stdout.isEmpty)
    }

    @Test("a configuration that does not load is one line naming the file")
    func brokenConfig() async throws {
        let dir = try makeTemporaryDirectory("ctl-broken")
        let path = "\(dir)/influxdb-meta.conf"
        try "[meta]\nelection-timeout = \"ten\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        for environment in [[:], ["INFLUXDB_META_CONFIG_PATH": path]] {
            let arguments = environment.isEmpty ? ["-config", path, "show"] : ["show"]
            let result = try await ctl(arguments, environment: environment)
            #expect(result.status == 1)
            #expect(
                result.stderr.hasPrefix("show: \(path): [meta] election-timeout: invalid duration"),
                "\(result.stderr)"
            )
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stdout.isEmpty)
            // Found by the lookup rather than named: the line says how to choose another file.
            let hinted = result.stderr.hasSuffix("or -config /dev/null for the defaults)\n")
            #expect(hinted == !environment.isEmpty)
        }
    }

    @Test("help is asked for with -h, -help and --help, and lists the global flags")
    func help() async throws {
        for spelling in ["-h", "-help", "--help"] {
            let result = try await ctl(["show", spelling])
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE: influxd-ctl show"))
            #expect(result.stdout.contains("-auth-type <none|basic|jwt>"))
        }
    }
}
