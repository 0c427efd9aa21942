import Foundation
import TestSupport
import Testing

/// `influx-console` command lines it cannot use: one line on standard error naming the flag,
/// nothing on standard output, exit status 1.
@Suite("influx-console flags")
struct WebFlagTests {
    static var console: String { "\(Binaries.directory)/influx-console" }

    static let cases: [([String], String)] = [
        (["-bind", "nocolon"], "influx-console: -bind nocolon: not host:port; use :3000 or 127.0.0.1:3000"),
        (
            ["-bind", "127.0.0.1:99999"],
            "influx-console: -bind 127.0.0.1:99999: not host:port; use :3000 or 127.0.0.1:3000"
        ),
        (["-poll-interval", "soon"], "influx-console: -poll-interval soon: not a duration; use 1s, 500ms or 1m"),
        (["-poll-interval", "10ms"], "influx-console: -poll-interval 10ms: below the 100ms minimum; use 1s"),
        (["-log-level", "loud"], "influx-console: -log-level loud: unknown; use debug, info, warn or error"),
        (["-key-file", "/tmp/k.pem"], "influx-console: -key-file needs -cert (the certificate it belongs to)"),
        (["-cluster-password", "p"], "influx-console: -cluster-password needs -cluster-user"),
        (
            ["-cluster-user", "ann"],
            "influx-console: -cluster-user needs -cluster-password (or INFLUX_CONSOLE_CLUSTER_PASSWORD)"
        ),
        (["-bind"], "influx-console: Missing value for '-bind <bind>'"),
        (["-colour"], "influx-console: Unknown option '-colour'"),
    ]

    @Test("a bad flag or value is one line naming it, and exit 1", arguments: cases)
    func rejected(arguments: [String], message: String) async throws {
        let dir = try makeTemporaryDirectory("console-flags")
        let result = try await runCommand(
            Self.console,
            ["-bind", "127.0.0.1:0", "-db", "\(dir)/console.db"] + arguments,
            environment: ["PATH": "/usr/bin:/bin"]
        )
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == message + "\n")
    }

    @Test("a missing certificate or cluster CA file names its flag and the file")
    func missingFiles() async throws {
        let dir = try makeTemporaryDirectory("console-files")
        for flag in ["-cert", "-cluster-ca"] {
            let result = try await runCommand(
                Self.console,
                ["-bind", "127.0.0.1:0", "-db", "\(dir)/console.db", flag, "\(dir)/missing.pem"],
                environment: ["PATH": "/usr/bin:/bin"]
            )
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("influx-console: \(flag) \(dir)/missing.pem: "), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        }
    }
}
