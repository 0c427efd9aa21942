import Foundation
import MetaKernel
import TestSupport
import Testing

/// strace, when it is installed and may trace a child here.
let straceBinary: String? = {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":")
        .map { "\($0)/strace" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let path else { return nil }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: path)
    probe.arguments = ["-f", "-o", "/dev/null", "true"]
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return nil }
    probe.waitUntilExit()
    return probe.terminationStatus == 0 ? path : nil
}()

/// The built `influxd-meta` under `strace -f -y`, as the issue's reporter ran it.
@Suite("Shutdown of the built binary under strace", .serialized)
struct ShutdownTraceTests {
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    /// Trace lines that show a write or a close reaching a closed descriptor, or a wake-up
    /// (the 8 bytes an eventfd takes) written to a descriptor that is no eventfd.
    static func misuses(in trace: String) -> [Substring] {
        trace.split(separator: "\n").filter { line in
            line.contains("EBADF")
                || (line.contains(#"write("#) && line.contains(#""\1\0\0\0\0\0\0\0", 8"#)
                    && !line.contains("<anon_inode:[eventfd]>"))
        }
    }

    @Test(
        "SIGTERM after writes, five times over: no write or close reaches a closed or foreign descriptor",
        .enabled(
            if: straceBinary != nil,
            "strace is missing or may not trace here (scripts/install-deps.sh installs it)"
        )
    )
    func sigtermUnderStrace() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        let pidfile = "\(node.root)/influxd-meta.pid"
        for cycle in 1...5 {
            let trace = "\(node.root)/trace-\(cycle)"
            try node.start(
                ["-single-server", "-pidfile", pidfile],
                under: [straceBinary!, "-f", "-y", "--seccomp-bpf", "-e", "trace=write,close", "-o", trace]
            )
            for i in 0..<10 {
                let body = Array(#"{"type":"create-database","name":"db\#(cycle)-\#(i)"}"#.utf8)
                _ = try await eventually("write \(i) of run \(cycle) to succeed", timeout: .seconds(30)) {
                    try await client.post(node.httpAddress, "/execute", json: body).status == 200 ? true : nil
                }
            }
            let pid = try #require(
                Int32(String(contentsOfFile: pidfile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
            )
            kill(pid, SIGTERM)
            // strace exits with the status of the program it ran.
            #expect(await node.waitForExit() == 0, "run \(cycle): \(node.log.suffix(2000))")
            let misused = Self.misuses(in: try String(contentsOfFile: trace, encoding: .utf8))
            #expect(misused.isEmpty, "run \(cycle): \(misused.prefix(5).joined(separator: "\n"))")
        }
    }
}
