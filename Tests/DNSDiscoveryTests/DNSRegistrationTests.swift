import DNSDiscovery
import MetaKernel
import Testing

@Suite("The DNS plugin in the catalog")
struct DNSRegistrationTests {
    @Test("mode = \"dns\" selects it with the [discovery] keys; a timeout rounds up to whole seconds")
    func selected() throws {
        var catalog = PluginCatalog()
        DNSDiscovery.register(in: &catalog)
        var config = MetaConfig()
        config.discovery.mode = .dns
        config.discovery.dnsDomain = "example.com"
        config.discovery.dnsService = "_meta._tcp"
        config.discovery.nameservers = ["10.0.0.53", "[fd00::53]:5353"]
        config.discovery.dnsTimeout = GoDuration(.milliseconds(1500))
        let discovery = try #require(try catalog.selectClient(for: config).discovery as? DNSDiscovery)
        #expect(
            discovery.configuration
                == .init(
                    service: "_meta._tcp",
                    domain: "example.com",
                    nameservers: [HostPort(host: "10.0.0.53", port: 53), HostPort(host: "fd00::53", port: 5353)],
                    timeoutSeconds: 2
                )
        )
        #expect(discovery.source == "DNS (nameservers 10.0.0.53:53, [fd00::53]:5353)")
    }

    @Test("without nameservers the servers of /etc/resolv.conf are asked")
    func systemServers() {
        #expect(DNSDiscovery().source == "DNS (/etc/resolv.conf)")
    }

    @Test("without dns-domain no peers are listed, and the error says which key to set")
    func noDomain() async {
        do {
            _ = try await DNSDiscovery().knownPeers()
            Issue.record("expected an error")
        } catch {
            #expect(
                error.message
                    == "[discovery] dns-domain is empty, so DNS discovery lists no meta peers; set it to the domain holding the _influxdb-meta._tcp SRV records"
            )
        }
    }
}
