import Foundation
import MetaKernel
import StaticHosts
import TestSupport
import Testing

@Suite("Static hosts discovery")
struct StaticHostsTests {
    let text = """
        127.0.0.1   localhost
        ::1         localhost ip6-localhost
        # the seed's hosts
        10.0.0.1    enterprise-meta-01   meta1   # first
        10.0.0.2\tenterprise-meta-02
        fd00::3     enterprise-meta-03
        10.0.0.3    enterprise-meta-03
        not-an-ip   bogus
        127.0.1.5   meta5
        127.0.0.1   localhost.localdomain localhost4 meta6
        ff02::1     ip6-allnodes
        """

    func discovery() throws -> (StaticHostsDiscovery, String) {
        let dir = try makeTemporaryDirectory()
        let path = "\(dir)/hosts"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (StaticHostsDiscovery(configuration: .init(hostsFile: path)), path)
    }

    @Test("names, aliases, tabs, comments and case")
    func resolves() async throws {
        let (plugin, _) = try discovery()
        #expect(try await plugin.resolve(host: "enterprise-meta-01") == ["10.0.0.1"])
        #expect(try await plugin.resolve(host: "META1") == ["10.0.0.1"])
        #expect(try await plugin.resolve(host: "enterprise-meta-02") == ["10.0.0.2"])
        #expect(try await plugin.resolve(host: "enterprise-meta-03") == ["10.0.0.3", "fd00::3"])
        #expect(try await plugin.resolve(host: "localhost") == ["127.0.0.1", "::1"])
    }

    @Test("IP literals pass through without reading the file")
    func literals() async throws {
        let plugin = StaticHostsDiscovery(configuration: .init(hostsFile: "/nonexistent/hosts"))
        #expect(try await plugin.resolve(host: "192.0.2.7") == ["192.0.2.7"])
        #expect(try await plugin.resolve(host: "::1") == ["::1"])
    }

    @Test("an unknown name names the host, the file and the fix")
    func unknownName() async throws {
        let (plugin, path) = try discovery()
        await #expect {
            _ = try await plugin.resolve(host: "bogus")
        } throws: { error in
            (error as? DiscoveryError)?.message
                == "cannot resolve \"bogus\": it is not in \(path) (static-hosts discovery); add a line \"<IP> bogus\" there on every meta server"
        }
    }

    @Test("an unreadable file names the file and the key")
    func unreadable() async throws {
        let plugin = StaticHostsDiscovery(configuration: .init(hostsFile: "/nonexistent/hosts"))
        await #expect {
            _ = try await plugin.resolve(host: "enterprise-meta-01")
        } throws: { error in
            let message = (error as? DiscoveryError)?.message ?? ""
            return message.hasPrefix("cannot read /nonexistent/hosts for static-hosts discovery:")
                && message.hasSuffix("check [discovery] hosts-file")
        }
    }

    @Test("known peers leave out the system's loopback names, not other names on loopback addresses")
    func peers() async throws {
        let (plugin, _) = try discovery()
        #expect(
            try await plugin.knownPeers() == [
                "enterprise-meta-01", "meta1", "enterprise-meta-02", "enterprise-meta-03", "meta5", "meta6",
            ]
        )
    }

    @Test("the catalog picks it for [discovery] mode = hosts")
    func catalog() throws {
        var catalog = PluginCatalog()
        StaticHostsDiscovery.register(in: &catalog)
        var config = MetaConfig()
        config.discovery.hostsFile = "/tmp/h"
        let selected = try catalog.select(for: config)
        #expect(selected.discovery.source == "static hosts (/tmp/h)")
        #expect(selected.transport.scheme == "http")
    }
}

@Suite("Plugin selection refuses what the build cannot do")
struct PluginSelectionTests {
    @Test("security settings that cannot be enforced stop start-up", arguments: ["auth", "fips"])
    func unenforced(setting: String) throws {
        var catalog = PluginCatalog()
        StaticHostsDiscovery.register(in: &catalog)
        var config = MetaConfig()
        if setting == "auth" {
            config.meta.authEnabled = true
        } else {
            config.meta.internalSharedSecret = "s"
            config.meta.ensureFIPS = true
        }
        #expect {
            _ = try catalog.select(for: config)
        } throws: { error in
            // auth-enabled is enforced by builds that hash passwords; this catalog has no hasher.
            (error as? ConfigError)?.message.hasSuffix(
                setting == "auth"
                    ? "this build has no password hashing to check users with; set it to false"
                    : "this build cannot enforce it yet; set it to false and restrict access to ports 8089 and 8091 with a firewall"
            ) == true
        }
    }

    @Test("an unavailable discovery mode and a missing TLS transport are refused; licensing is a warning")
    func unavailable() throws {
        var catalog = PluginCatalog()
        StaticHostsDiscovery.register(in: &catalog)
        var config = MetaConfig()
        config.discovery.mode = .dns
        #expect {
            _ = try catalog.select(for: config)
        } throws: { error in
            (error as? ConfigError)?.message
                == "[discovery] mode: \"dns\" is not available in this build (available: hosts)"
        }
        config = MetaConfig()
        config.meta.httpsEnabled = true
        #expect(throws: ConfigError.self) { _ = try catalog.select(for: config) }
        config = MetaConfig()
        config.enterprise.licenseKey = "k"
        config.enterprise.registrationEnabled = true
        config.enterprise.registrationServerURL = "http://console:3000"
        let selected = try catalog.select(for: config)
        #expect(selected.licensing == nil)
        #expect(selected.notices.count == 2)
        #expect(selected.notices[0].contains("the license is not checked"))
    }
}
