import Foundation

/// Where the built `influxd-meta` and `influxd-ctl` are: `$INFLUXD_BIN_DIR`, or the folder of
/// the running test bundle (SwiftPM puts executables beside it).
public enum Binaries {
    /// The folder holding the executables.
    public static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["INFLUXD_BIN_DIR"], !dir.isEmpty { return dir }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    /// `influxd-meta`.
    public static var meta: String { "\(directory)/influxd-meta" }
    /// `influxd-ctl`.
    public static var ctl: String { "\(directory)/influxd-ctl" }
    /// `influx-license`.
    public static var license: String { "\(directory)/influx-license" }
}

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    /// Exit status.
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
}

/// Runs `executable` with `arguments` to completion, feeding `input` on standard input.
public func runCommand(
    _ executable: String,
    _ arguments: [String],
    input: String = "",
    environment: [String: String]? = nil
) async throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    let stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    async let stdoutData = onOwnThread { out.fileHandleForReading.readDataToEndOfFile() }
    async let stderrData = onOwnThread { err.fileHandleForReading.readDataToEndOfFile() }
    let (o, e) = await (stdoutData, stderrData)
    await onOwnThread { process.waitUntilExit() }
    return CommandResult(
        status: process.terminationStatus,
        stdout: String(decoding: o, as: UTF8.self),
        stderr: String(decoding: e, as: UTF8.self)
    )
}
