import NIOCore
import NIOPosix

extension MetaClient {
    /// Connects to `port` on `host` (resolved through ``Configuration/discovery`` when set) as
    /// this client connects, waits until the transport is established (for TLS, the handshake
    /// with the certificate checked against `host`), and hangs up without sending application
    /// data, so that a listener such as Raft's sees a connection that ends before its handshake.
    /// - Returns: The IP address that answered.
    /// - Throws: ``MetaClientError`` naming `host:port`, the address tried and the cause.
    public func probe(host: String, port: Int) async throws(MetaClientError) -> String {
        let ips: [String]
        do {
            ips = try await configuration.discovery?.resolve(host: host) ?? [host]
        } catch {
            throw MetaClientError(.unreachable, error.message)
        }
        let address = HostPort(host: host, port: port).description
        let timeout = configuration.timeout
        let outcome = await withTaskGroup(of: Result<String, MetaClientError>?.self) { group in
            group.addTask {
                var last = MetaClientError(.unreachable, "cannot reach \(address): no address to try")
                for ip in ips {
                    do {
                        try await establish(ip: ip, serverName: host, port: port, timeout: timeout)
                        return .success(ip)
                    } catch {
                        let target = HostPort(host: ip, port: port).description
                        last = MetaClientError(
                            .unreachable,
                            "cannot reach \(address) at \(target): \(MetaClientError.describe(error))"
                        )
                    }
                }
                return .failure(last)
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled
                    ? nil : .failure(MetaClientError(.timeout, "no answer from \(address) within \(timeout)"))
            }
            var outcome: Result<String, MetaClientError>?
            while outcome == nil, let next = await group.next() { outcome = next }
            group.cancelAll()
            return outcome!
        }
        return try outcome.get()
    }

    private func establish(ip: String, serverName: String, port: Int, timeout: Duration) async throws {
        let transport = configuration.transport
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(max(Int64(timeout / .milliseconds(1)), 1)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try transport.configureConnected(channel, serverName: serverName)
                }
            }
            .connect(host: ip, port: port)
            .get()
        do {
            // A future does not heed cancellation: on timeout, closing the channel ends the wait.
            try await withTaskCancellationHandler {
                try await channel.eventLoop.flatSubmit { transport.established(channel) }.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
        try? await channel.close()
    }
}
