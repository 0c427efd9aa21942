import FoundationEssentials
import Glibc
public import MetaKernel

/// Peer discovery from a hosts file (`/etc/hosts` by default, `[discovery] hosts-file`).
///
/// The file is read on every lookup, as glibc's `files` lookup reads `/etc/hosts`: an edit (a
/// peer moved to a new address) takes effect at the next dial without a restart, and there is
/// no cache to go stale. A lookup costs one read of a small file, next to a TCP connect. IP
/// literals pass through unchanged. A name that is not in the file is an error naming the host and the
/// file: meta nodes are expected to be listed there on every server (the installation guide's
/// first step), and falling back to other resolvers would hide a missing line.
public struct StaticHostsDiscovery: PeerDiscovery {
    /// How the plugin is set up.
    public struct Configuration: Sendable, Equatable {
        /// The hosts file to read.
        public var hostsFile: String

        /// Creates a configuration.
        public init(hostsFile: String = "/etc/hosts") {
            self.hostsFile = hostsFile
        }
    }

    /// The configuration.
    public let configuration: Configuration

    /// Creates the plugin.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The `[discovery] mode` this plugin serves.
    public static let mode = "hosts"

    /// Registers the plugin in `catalog` under ``mode``.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.discovery[mode] = { config in
            StaticHostsDiscovery(configuration: Configuration(hostsFile: config.discovery.hostsFile))
        }
    }

    /// `static hosts (<file>)`.
    public var source: String { "static hosts (\(configuration.hostsFile))" }

    /// Looks `host` up in the hosts file.
    public func resolve(host: String) async throws(DiscoveryError) -> [String] {
        if IPAddress.isLiteral(host) { return [host] }
        let addresses = try read().addresses(of: host)
        guard !addresses.isEmpty else {
            throw DiscoveryError(
                host: host,
                message:
                    "cannot resolve \"\(host)\": it is not in \(configuration.hostsFile) (static-hosts discovery); add a line \"<IP> \(host)\" there on every meta server"
            )
        }
        return addresses
    }

    /// Every name in the file but the loopback names the system puts there (`localhost`,
    /// `localhost.localdomain`, `localhost6`, `ip6-localhost`, …). Other names on loopback
    /// addresses (Debian's `127.0.1.1 <hostname>`, nodes on `127.0.0.x` in tests) are listed.
    public func knownPeers() async throws(DiscoveryError) -> [String] {
        let file = try read()
        var names: [String] = []
        for entry in file.entries {
            for name in entry.names where !Self.isLoopbackName(name) && !names.contains(name) { names.append(name) }
        }
        return names
    }

    private static func isLoopbackName(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.hasPrefix("localhost") || lowered.hasPrefix("ip6-")
    }

    private func read() throws(DiscoveryError) -> HostsFile {
        do {
            return HostsFile(parsing: try String(contentsOfFile: configuration.hostsFile, encoding: .utf8))
        } catch {
            // The system's words ("No such file or directory") when the file cannot be opened.
            let reason = access(configuration.hostsFile, R_OK) == 0 ? "\(error)" : String(cString: strerror(errno))
            throw DiscoveryError(
                host: "",
                message:
                    "cannot read \(configuration.hostsFile) for static-hosts discovery: \(reason); check [discovery] hosts-file"
            )
        }
    }
}
