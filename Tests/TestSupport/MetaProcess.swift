import Foundation

/// One `influxd-meta` process started from the built binary, with its own config file, data
/// directory and ports on 127.0.0.1 (or on ``bindHost``).
public final class MetaProcess: @unchecked Sendable {
    // Invariant: used from one test task at a time; `process` is only replaced by start().

    /// The advertised host name (`hostname` in the config).
    public let hostname: String
    /// The host of `bind-address` and `http-bind-address`: an IP, or a name the node resolves
    /// through its `[discovery]` plugin (then also the name it advertises); `""` binds every
    /// interface and advertises `hostname`.
    public let bindHost: String
    /// The HTTP port.
    public let httpPort: Int
    /// The Raft port.
    public let raftPort: Int
    /// The folder with the config, log and `meta` dir.
    public let root: String
    /// Extra lines appended to the config file.
    public let extraConfig: String
    /// Lines added to the `[meta]` section.
    public let metaExtraConfig: String
    /// Whether the HTTP API binds every interface.
    public let wildcardHTTP: Bool
    /// `extraConfig` with the licensing keys ``TestLicense`` adds.
    private let licensedExtraConfig: String
    private var process: Process?
    private var logHandle: FileHandle?

    /// Prepares a node; writes its config file.
    /// - Parameters:
    ///   - wildcardHTTP: bind the HTTP API on every interface, so that it advertises
    ///     `hostname` (used to test a hostname that does not match the address dialled).
    ///   - bindHost: the host both listeners bind; `""` (every interface) makes the node
    ///     advertise `hostname` for Raft too (nodes in network namespaces).
    ///   - license: the shared development license by default (a node without one refuses to
    ///     start); a test that sets `license-key` or `license-path` in `extraConfig` keeps its own.
    ///   - httpPort, raftPort: fixed ports (nodes on several loopback addresses may share them); free ones when `nil`.
    public init(
        root: String,
        hostname: String = "127.0.0.1",
        bindHost: String = "127.0.0.1",
        extraConfig: String = "",
        metaExtraConfig: String = "",
        wildcardHTTP: Bool = false,
        license: TestLicense = .development,
        httpPort: Int? = nil,
        raftPort: Int? = nil
    ) throws {
        self.wildcardHTTP = wildcardHTTP
        self.metaExtraConfig = metaExtraConfig
        self.root = root
        self.hostname = hostname
        self.bindHost = bindHost
        self.httpPort = httpPort ?? freePort()
        self.raftPort = raftPort ?? freePort()
        self.extraConfig = extraConfig
        self.licensedExtraConfig = try license.apply(to: extraConfig)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The config file's text.
    public var config: String {
        """
        hostname = "\(hostname)"

        [meta]
        dir = "\(root)/meta"
        bind-address = "\(bindHost):\(raftPort)"
        http-bind-address = "\(wildcardHTTP ? "" : bindHost):\(httpPort)"
        election-timeout = "500ms"
        heartbeat-timeout = "500ms"
        leader-lease-timeout = "250ms"
        \(metaExtraConfig)

        [logging]
        level = "debug"
        \(licensedExtraConfig)
        """
    }

    /// Path of the config file.
    public var configPath: String { "\(root)/influxdb-meta.conf" }
    /// Path of the log (stdout and stderr).
    public var logPath: String { "\(root)/influxd-meta.log" }
    /// `<bind host>:<http port>` (`127.0.0.1:<http port>` by default and for every interface).
    public var httpAddress: String { "\(bindHost.isEmpty ? "127.0.0.1" : bindHost):\(httpPort)" }
    /// `<bind host>:<raft port>` (`127.0.0.1` for every interface).
    public var raftAddress: String { "\(bindHost.isEmpty ? "127.0.0.1" : bindHost):\(raftPort)" }
    /// The process id, while running.
    public var pid: Int32? { process?.isRunning == true ? process?.processIdentifier : nil }

    /// Starts `influxd-meta -config <file>` plus `arguments`; under `wrapper` (a command and its
    /// arguments, such as strace's), the wrapper is the process started and this object's.
    public func start(_ arguments: [String] = [], under wrapper: [String] = []) throws {
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        let command = wrapper + [Binaries.meta, "-config", configPath] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        self.logHandle = log
    }

    /// Sends `signal` (SIGKILL by default) and waits for the process to exit; returns its status.
    @discardableResult
    public func stop(signal: Int32 = SIGKILL) async -> Int32 {
        guard let process else { return 0 }
        if process.isRunning { kill(process.processIdentifier, signal) }
        await onOwnThread { process.waitUntilExit() }
        try? logHandle?.close()
        self.process = nil
        return process.terminationStatus
    }

    /// Waits for the process to exit by itself (for start-up failures).
    public func waitForExit() async -> Int32 {
        guard let process else { return 0 }
        await onOwnThread { process.waitUntilExit() }
        self.process = nil
        return process.terminationStatus
    }

    /// The log so far.
    public var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
