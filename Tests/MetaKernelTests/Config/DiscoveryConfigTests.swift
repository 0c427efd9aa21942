import Testing

@testable import MetaKernel

@Suite("[discovery] keys of the DNS plugin")
struct DiscoveryConfigTests {
    @Test("file and environment set the DNS keys; the environment list replaces the file's")
    func keys() throws {
        let loaded = try ConfigFixtures.parse(
            """
            [discovery]
            mode = "dns"
            dns-domain = "example.com"
            nameservers = ["10.0.0.53"]
            dns-timeout = "5s"
            """,
            environment: [
                "INFLUXDB_DISCOVERY_NAMESERVERS": "10.0.0.53:5353, [fd00::53]:53",
                "INFLUXDB_DISCOVERY_DNS_SERVICE": "_meta._tcp",
            ]
        )
        let discovery = loaded.config.discovery
        #expect(discovery.mode == .dns)
        #expect(discovery.dnsDomain == "example.com")
        #expect(discovery.dnsService == "_meta._tcp")
        #expect(discovery.nameservers == ["10.0.0.53:5353", "[fd00::53]:53"])
        #expect(discovery.dnsTimeout == GoDuration(.seconds(5)))
    }

    @Test("name servers: an IP with an optional port, 53 by default")
    func nameServers() throws {
        #expect(try MetaConfig.Discovery.nameServer(parsing: "10.0.0.53") == HostPort(host: "10.0.0.53", port: 53))
        #expect(try MetaConfig.Discovery.nameServer(parsing: "fd00::53") == HostPort(host: "fd00::53", port: 53))
        #expect(
            try MetaConfig.Discovery.nameServer(parsing: "[fd00::53]:5353") == HostPort(host: "fd00::53", port: 5353)
        )
        #expect(
            try MetaConfig.Discovery.nameServer(parsing: "127.0.0.1:5353") == HostPort(host: "127.0.0.1", port: 5353)
        )
    }

    @Test("bad values name the key (or the variable) and say what to write")
    func errors() {
        let advice = #"(use an IP address and optional port, such as "10.0.0.53:53" or "[fd00::53]:53")"#
        #expect(
            ConfigFixtures.failure("[discovery]\nnameservers = [\"10.0.0.53:53\", \"ns1.example.com:53\"]")
                == #"test.conf: [discovery] nameservers: invalid name server "ns1.example.com:53" "# + advice
        )
        #expect(
            ConfigFixtures.failure("", environment: ["INFLUXDB_DISCOVERY_NAMESERVERS": "10.0.0.53:0"])
                == #"environment INFLUXDB_DISCOVERY_NAMESERVERS: invalid name server "10.0.0.53:0" "# + advice
        )
        #expect(
            ConfigFixtures.failure("[discovery]\ndns-domain = \"example..com\"")
                == #"test.conf: [discovery] dns-domain: invalid DNS name "example..com" (use labels of letters, digits, "-" and "_" separated by dots, such as "_influxdb-meta._tcp" or "example.com")"#
        )
        #expect(
            ConfigFixtures.failure("[discovery]\ndns-service = \"\"")?.hasPrefix(
                "test.conf: [discovery] dns-service: invalid DNS name \"\""
            ) == true
        )
        #expect(
            ConfigFixtures.failure("[discovery]\ndns-timeout = \"500ms\"")
                == #"test.conf: [discovery] dns-timeout: invalid duration "500ms" (must be at least 1s)"#
        )
        #expect(ConfigFixtures.failure("[discovery]\ndns-domain = \"example.com.\"") == nil)
    }
}
