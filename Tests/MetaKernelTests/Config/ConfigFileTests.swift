import Testing

@testable import MetaKernel

@Suite("Config file parsing")
struct ConfigFileTests {
    @Test("a file can set every key of every section")
    func everyKey() throws {
        let loaded = try ConfigFixtures.parse(ConfigFixtures.everyKeyText)
        #expect(loaded.config == ConfigFixtures.everyKeyConfig)
        #expect(loaded.warnings == [])
    }

    @Test("the seed configuration parses with registration and the license key set")
    func seed() throws {
        let loaded = try ConfigFixtures.parse(ConfigFixtures.seedText)
        var expected = MetaConfig()
        expected.hostname = "enterprise-meta-01"
        expected.enterprise.registrationEnabled = true
        expected.enterprise.registrationServerURL = "http://10.0.0.5:3000"
        expected.enterprise.licenseKey = "abc-123"
        expected.meta.pprofEnabled = false
        #expect(loaded.config == expected)
        #expect(loaded.warnings == [])
    }

    @Test("unknown keys and sections are warnings, not errors")
    func unknownKeys() throws {
        let loaded = try ConfigFixtures.parse(
            """
            electon = 1
            [meta]
            electon-timeout = "2s"
            election-timeout = "2s"
            [meta.nested]
            x = 1
            [data]
            dir = "/var/lib/influxdb/data"
            [[http]]
            port = 1
            """
        )
        #expect(loaded.config.meta.electionTimeout == GoDuration(.seconds(2)))
        #expect(
            loaded.warnings == [
                "test.conf: unknown section [data] (ignored)",
                "test.conf: unknown key electon (ignored)",
                "test.conf: unknown key http (ignored)",
                "test.conf: unknown key [meta] electon-timeout (ignored)",
                "test.conf: unknown key [meta] nested (ignored)",
            ]
        )
    }

    @Test("dotted keys and inline tables are ordinary TOML")
    func dottedKeys() throws {
        let loaded = try ConfigFixtures.parse(
            """
            meta.dir = "/srv/meta"
            logging = { level = "warn" }
            """
        )
        #expect(loaded.config.meta.dir == "/srv/meta")
        #expect(loaded.config.logging.level == .warn)
    }

    @Test("historical keys are accepted and kept")
    func historicalKeys() throws {
        let loaded = try ConfigFixtures.parse(
            """
            [meta]
            raft-promotion-enabled = false
            debug-pprof-enabled = true
            """
        )
        #expect(loaded.config.meta.raftPromotionEnabled == false)
        #expect(loaded.config.meta.debugPprofEnabled == true)
        #expect(loaded.warnings == [])
    }
}
