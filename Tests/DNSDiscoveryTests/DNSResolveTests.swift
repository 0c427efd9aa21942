import DNSDiscovery
import Foundation
import MetaKernel
import TestSupport
import Testing

@Suite("DNS discovery against dnsmasq", .enabled(if: DNSServer.isAvailable, "dnsmasq is not installed"))
struct DNSResolveTests {
    @Test("A then AAAA addresses; IP literals and localhost need no question")
    func addresses() async throws {
        let server = try await DNSFixture.server()
        let discovery = try DNSFixture.discovery([server.nameserver])
        #expect(try await discovery.resolve(host: "meta-1.dns.test") == ["127.0.1.1"])
        #expect(try await discovery.resolve(host: "DUAL.dns.test.") == ["127.0.1.4", "fd00::4"])
        #expect(try await discovery.resolve(host: "10.9.8.7") == ["10.9.8.7"])
        #expect(try await discovery.resolve(host: "localhost") == ["127.0.0.1", "::1"])
        #expect(DNSFixture.queries(server, "A", "10.9.8.7") == 0)
        #expect(discovery.source == "DNS (nameservers \(server.nameserver))")
    }

    @Test("known peers are the SRV targets with their ports, lower priority first")
    func srvPeers() async throws {
        let server = try await DNSFixture.server()
        let discovery = try DNSFixture.discovery([server.nameserver])
        let peers = try await discovery.knownPeers()
        #expect(Set(peers.prefix(2)) == ["meta-1.dns.test:8091", "meta-2.dns.test:8091"])
        #expect(peers.last == "meta-3.dns.test:9091")
        #expect(peers.count == 3)
    }

    @Test("NXDOMAIN, an empty answer, SERVFAIL and a timeout each say so, with the name and the server")
    func failureModes() async throws {
        let server = try await DNSFixture.server()
        let ns = server.nameserver
        let discovery = try DNSFixture.discovery([ns])

        let missing = await DNSFixture.failure {
            try await discovery.resolve(host: "meta-9.dns.test")
        }
        #expect(
            missing
                == "cannot resolve \"meta-9.dns.test\" through DNS: DNS server \(ns) answered NXDOMAIN for meta-9.dns.test (A): no such name; add an A or AAAA record for it"
        )

        let empty = await DNSFixture.failure {
            try await discovery.resolve(host: "textonly.dns.test")
        }
        #expect(
            empty
                == "cannot resolve \"textonly.dns.test\" through DNS: DNS server \(ns) has no A record for textonly.dns.test (empty answer); DNS server \(ns) has no AAAA record for textonly.dns.test (empty answer); add an A or AAAA record for it"
        )

        // dnsmasq answers SERVFAIL when DNSSEC validation fails: this one validates from a root
        // trust anchor, and its upstream (the first dnsmasq) serves unsigned answers.
        let validating = try await DNSServer(arguments: [
            "--dnssec", "--dnssec-check-unsigned",
            "--trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
            "--server=\(server.address)#\(server.port)",
        ])
        let failing = await DNSFixture.failure {
            try await DNSFixture.discovery([validating.nameserver]).resolve(host: "meta-1.dns.test")
        }
        #expect(
            failing
                == "cannot resolve \"meta-1.dns.test\" through DNS: DNS server \(validating.nameserver) answered SERVFAIL for meta-1.dns.test (A): the server failed to resolve it; check [discovery] nameservers and that the server answers"
        )

        let silent = try SilentServer()
        let timedOut = await DNSFixture.failure {
            try await DNSFixture.discovery([silent.nameserver]).resolve(host: "meta-1.dns.test")
        }
        #expect(
            timedOut
                == "cannot resolve \"meta-1.dns.test\" through DNS: no answer from DNS server \(silent.nameserver) for meta-1.dns.test (A) (timeout: 1 try of 1s); check [discovery] nameservers and that the server answers"
        )

        let noPeers = await DNSFixture.failure {
            try await DNSFixture.discovery([ns], domain: "empty.dns.test").knownPeers()
        }
        #expect(
            noPeers
                == "cannot list meta peers: DNS server \(ns) answered NXDOMAIN for _influxdb-meta._tcp.empty.dns.test (SRV): no such name; add one SRV record per meta node under _influxdb-meta._tcp.empty.dns.test or fix [discovery] dns-domain/nameservers"
        )
    }

    @Test("a server that does not answer is passed over for the next one")
    func fallback() async throws {
        let server = try await DNSFixture.server()
        let silent = try SilentServer()
        let discovery = try DNSFixture.discovery([silent.nameserver, server.nameserver])
        #expect(try await discovery.resolve(host: "meta-2.dns.test") == ["127.0.1.2"])
    }

    @Test("an answer is cached for its TTL, then asked again; a failure only briefly")
    func caching() async throws {
        // A TTL long enough that the steps below fit in it on a loaded machine.
        let server = try await DNSFixture.server(ttl: 5)
        let discovery = try DNSFixture.discovery([server.nameserver])
        #expect(try await discovery.resolve(host: "meta-1.dns.test") == ["127.0.1.1"])
        #expect(DNSFixture.queries(server, "A", "meta-1.dns.test") == 1)

        var moved = DNSFixture.hosts.filter { !$0.hasSuffix(" meta-1.dns.test") }
        moved.append("127.0.1.11 meta-1.dns.test")
        moved.append("127.0.1.5 meta-5.dns.test")
        #expect(
            await DNSFixture.failure {
                try await discovery.resolve(host: "meta-6.dns.test")
            } != nil
        )
        try await server.setHosts(moved + ["127.0.1.6 meta-6.dns.test"])

        // Within the TTL the cached answer stands and dnsmasq is not asked again.
        #expect(try await discovery.resolve(host: "meta-1.dns.test") == ["127.0.1.1"])
        #expect(DNSFixture.queries(server, "A", "meta-1.dns.test") == 1)
        let start = ContinuousClock.now
        _ = try await eventually("meta-1.dns.test to move", timeout: .seconds(10)) { () -> Bool? in
            try await discovery.resolve(host: "meta-1.dns.test") == ["127.0.1.11"] ? true : nil
        }
        #expect(ContinuousClock.now - start < .seconds(6))
        // The NXDOMAIN for meta-6 was kept for a second at most.
        #expect(try await discovery.resolve(host: "meta-6.dns.test") == ["127.0.1.6"])
    }

    @Test("cost of a cached and an uncached resolve (median of 50)")
    func cost() async throws {
        let server = try await DNSFixture.server()
        func median(_ body: () async throws -> Void) async rethrows -> Duration {
            var samples: [Duration] = []
            for _ in 0..<50 {
                let start = ContinuousClock.now
                try await body()
                samples.append(ContinuousClock.now - start)
            }
            return samples.sorted()[25]
        }
        let shared = try DNSFixture.discovery([server.nameserver])
        _ = try await shared.resolve(host: "dual.dns.test")
        let cached = try await median { _ = try await shared.resolve(host: "dual.dns.test") }
        let uncached = try await median {
            _ = try await DNSFixture.discovery([server.nameserver]).resolve(host: "dual.dns.test")
        }
        print("DNS resolve (A + AAAA), median of 50: cached \(cached), uncached \(uncached)")
        #expect(cached < uncached)
    }
}
