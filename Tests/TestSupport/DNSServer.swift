import Foundation

/// A dnsmasq (Debian's dnsmasq-base) started by a test: authoritative for the names it is
/// given, with `--log-queries` so a test can see which names were asked.
public final class DNSServer: @unchecked Sendable {
    // Invariant: used from one test task at a time; `process` is only replaced by restart().

    /// Where dnsmasq is installed.
    public static let executable = "/usr/sbin/dnsmasq"
    /// Whether dnsmasq is installed (tests that need it are skipped otherwise).
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// The address it listens on.
    public let address: String
    /// The UDP and TCP port.
    public let port: Int
    /// The hosts file dnsmasq reads from its `--hostsdir` (re-read when it changes).
    public let hostsFile: String
    /// The query log.
    public let logPath: String
    private let arguments: [String]
    private let wrapper: [String]
    private var pid: pid_t?

    /// Starts dnsmasq and waits until it serves.
    /// - Parameters:
    ///   - address: the address to listen on.
    ///   - port: the port; a free one on 127.0.0.1 by default.
    ///   - hosts: `IP name` lines served from ``hostsFile``.
    ///   - ttl: the TTL of every local record (`--local-ttl`).
    ///   - arguments: more options, such as `--srv-host=...` or `--local=/example.test/`.
    ///   - wrapper: a command to run dnsmasq under, such as `ip netns exec NAME`.
    public init(
        address: String = "127.0.0.1",
        port: Int = freePort(),
        hosts: [String] = [],
        ttl: Int = 60,
        arguments: [String] = [],
        under wrapper: [String] = []
    ) async throws {
        let root = try makeTemporaryDirectory("dnsmasq")
        self.address = address
        self.port = port
        try FileManager.default.createDirectory(atPath: "\(root)/hosts.d", withIntermediateDirectories: true)
        self.hostsFile = "\(root)/hosts.d/hosts"
        self.logPath = "\(root)/queries.log"
        self.wrapper = wrapper
        self.arguments =
            [
                "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=\(address)",
                "--port=\(port)", "--local-ttl=\(ttl)", "--hostsdir=\(root)/hosts.d", "--log-queries",
                "--log-facility=\(logPath)", "--pid-file=", "--user=root",
            ] + arguments
        try Self.write(hosts, to: hostsFile)
        try await start()
    }

    /// `address:port`, as `[discovery] nameservers` takes it.
    public var nameserver: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }

    /// The query log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Replaces the served hosts lines and waits until dnsmasq has read them.
    public func setHosts(_ hosts: [String]) async throws {
        let before = log.components(separatedBy: "read \(hostsFile)").count
        try Self.write(hosts, to: hostsFile)
        _ = try await eventually("dnsmasq to re-read \(hostsFile)") {
            log.components(separatedBy: "read \(hostsFile)").count > before ? true : nil
        }
    }

    /// Stops dnsmasq and waits for it.
    public func stop() async {
        guard let pid else { return }
        kill(pid, SIGTERM)
        await onOwnThread { _ = waitpid(pid, nil, 0) }
        self.pid = nil
    }

    /// Spawns dnsmasq with `posix_spawn`, not Foundation's `Process`: dnsmasq closes the
    /// descriptors it inherits, which Foundation takes for an exit and then blocks its reaper
    /// thread in `waitpid` on it. The signal mask is cleared: the test runner's threads block
    /// signals, and dnsmasq would inherit that.
    private func start() async throws {
        let command = wrapper + [Self.executable] + arguments
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = command.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
        self.pid = pid
        // dnsmasq logs "started" once its sockets are bound, then reads the hosts directory.
        _ = try await eventually("dnsmasq on \(nameserver) to start (log \(logPath))") {
            guard waitpid(pid, nil, WNOHANG) == 0 else {
                self.pid = nil
                throw DeadlineExceeded(description: "dnsmasq exited: \(log)")
            }
            return log.contains("started, version") && log.contains("read \(hostsFile)") ? true : nil
        }
    }

    /// Writes in place, not by rename: dnsmasq reads the file once it is closed after writing.
    private static func write(_ hosts: [String], to path: String) throws {
        try hosts.joined(separator: "\n").appending("\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    deinit {
        if let pid {
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
        }
    }
}
