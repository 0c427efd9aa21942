import DNSDiscovery
import Foundation
import MetaKernel
import TestSupport

/// A dnsmasq serving the zone `dns.test` for the tests, and discovery plugins asking it.
enum DNSFixture {
    /// The records every test may use: three meta nodes with SRV records, a dual-stack name
    /// and a name with a TXT record only.
    static let hosts = [
        "127.0.1.1 meta-1.dns.test",
        "127.0.1.2 meta-2.dns.test",
        "127.0.1.3 meta-3.dns.test",
        "127.0.1.4 dual.dns.test",
        "fd00::4 dual.dns.test",
    ]

    /// SRV records: meta-1 and meta-2 at priority 10, meta-3 at priority 20 (port 9091).
    static let records = [
        "--srv-host=_influxdb-meta._tcp.dns.test,meta-1.dns.test,8091,10,50",
        "--srv-host=_influxdb-meta._tcp.dns.test,meta-2.dns.test,8091,10,50",
        "--srv-host=_influxdb-meta._tcp.dns.test,meta-3.dns.test,9091,20,0",
        "--txt-record=textonly.dns.test,\"no address here\"",
        "--local=/dns.test/",
    ]

    /// dnsmasq serving ``hosts`` and ``records`` with `ttl`.
    static func server(ttl: Int = 60) async throws -> DNSServer {
        try await DNSServer(hosts: hosts, ttl: ttl, arguments: records)
    }

    /// A plugin asking `servers` (name server addresses as the config takes them).
    static func discovery(_ servers: [String], domain: String = "dns.test", timeout: Int = 1) throws -> DNSDiscovery {
        DNSDiscovery(
            configuration: .init(
                domain: domain,
                nameservers: try servers.map { try MetaConfig.Discovery.nameServer(parsing: $0) },
                timeoutSeconds: timeout,
                tries: 1
            )
        )
    }

    /// The message of the error `body` throws, or `nil`.
    static func failure(_ body: () async throws -> [String]) async -> String? {
        do {
            _ = try await body()
            return nil
        } catch let error as DiscoveryError {
            return error.message
        } catch {
            return "not a DiscoveryError: \(error)"
        }
    }

    /// How many queries of `type` for `name` dnsmasq has logged.
    static func queries(_ server: DNSServer, _ type: String, _ name: String) -> Int {
        server.log.components(separatedBy: "query[\(type)] \(name) from").count - 1
    }
}

/// A UDP socket that is bound but never read: a name server that never answers.
final class SilentServer: @unchecked Sendable {
    // Invariant: `fd` is set once in init and closed once in deinit.
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw POSIXError(.EADDRINUSE) }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// `127.0.0.1:port`.
    var nameserver: String { "127.0.0.1:\(port)" }

    deinit { close(fd) }
}
