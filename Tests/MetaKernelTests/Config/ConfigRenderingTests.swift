import Testing

@testable import MetaKernel

@Suite("Config rendering")
struct ConfigRenderingTests {
    @Test("defaults render and parse back to an equal configuration")
    func defaultsRoundTrip() throws {
        let loaded = try ConfigFixtures.parse(MetaConfig().renderTOML())
        #expect(loaded.config == MetaConfig())
        #expect(loaded.warnings == [])
    }

    @Test("a configuration with every key changed renders and parses back to an equal configuration")
    func everyKeyRoundTrip() throws {
        let config = ConfigFixtures.everyKeyConfig
        let loaded = try ConfigFixtures.parse(config.renderTOML())
        #expect(loaded.config == config)
        #expect(loaded.warnings == [])
    }

    @Test("awkward strings and durations survive the round trip")
    func awkwardValues() throws {
        var config = MetaConfig()
        config.enterprise.licenseKey = "quote\" back\\slash\ttab\nnewline \u{1}\u{7F} ünïcödé 🚀"
        config.meta.sharedSecret = "'single' \"\"\" '''"
        config.meta.leaderLeaseTimeout = GoDuration(.microseconds(300))
        config.meta.commitTimeout = GoDuration(.nanoseconds(1_500_001))
        config.meta.consensusTimeout = GoDuration(.milliseconds(5_400_500))
        config.tls.ciphers = ["A,B", "", "C\"D"]
        config.tls.maxVersion = .tls1_0
        config.tls.advancedExpiration = .init(.zero)
        let text = config.renderTOML()
        #expect(text.contains(#"leader-lease-timeout = "300µs""#))
        #expect(text.contains(#"consensus-timeout = "1h30m0.5s""#))
        #expect(text.contains(#"license-key = "quote\" back\\slash\ttab\nnewline \u0001\u007F ünïcödé 🚀""#))
        #expect(try ConfigFixtures.parse(text).config == config)
    }

    @Test("rendered durations use Go syntax")
    func goDurations() {
        let text = MetaConfig().renderTOML()
        #expect(text.contains(#"lease-duration = "1m0s""#))
        #expect(text.contains(#"leader-lease-timeout = "500ms""#))
        #expect(text.contains(#"advanced-expiration = "120h0m0s""#))
    }
}
