import NIOCore
import NIOPosix

/// Checks that a data node answers on its TCP (RPC) address before the cluster records it:
/// connects, sends nothing and hangs up. Names are resolved through peer discovery, as every
/// dial of the node is.
struct DataNodeProbe: Sendable {
    /// Resolves host names.
    let discovery: any PeerDiscovery
    /// How long one connection attempt may take.
    let timeout: Duration

    /// Why nothing accepted a connection at `address` (`host:port`) within the timeout, or `nil`
    /// when something did.
    func problem(reaching address: HostPort) async -> String? {
        let hosts: [String]
        do {
            hosts = try await discovery.resolve(host: address.host)
        } catch {
            return error.message
        }
        let milliseconds = max(
            Int64(timeout.components.seconds) * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000,
            1
        )
        var reason = "\(address.host) has no address"
        for host in hosts {
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.milliseconds(milliseconds))
                    .connect(host: host, port: address.port)
                    .get()
                try? await channel.close()
                return nil
            } catch {
                reason = MetaClientError.describe(error)
            }
        }
        return reason
    }
}
