import Foundation
import Testing

@testable import MetaKernel

@Suite("Keys this build does not honour")
struct ConfigEffectTests {
    @Test("defaults give no warning")
    func defaultsAreQuiet() {
        #expect(MetaConfig().ineffectiveKeyWarnings() == [])
    }

    @Test("a key without effect set away from its default is named once, a secret without its value")
    func namedOnce() {
        var config = MetaConfig()
        config.meta.ldapAllowed = true
        config.meta.commitTimeout = GoDuration(.milliseconds(100))
        config.meta.sharedSecret = "s3cret"
        config.meta.electionTimeout = GoDuration(.seconds(3))
        config.meta.clusterTracing = true
        #expect(
            config.ineffectiveKeyWarnings() == [
                "[meta] commit-timeout = \"100ms\" has no effect in this build: libraft commits an entry as soon as a majority has stored it",
                "[meta] ldap-allowed = true has no effect yet: LDAP is not supported (see docs/CONFIGURATION.md)",
            ]
        )
    }

    @Test("every key with every value changed: exactly the keys without effect are named")
    func everyKey() {
        let warned = ConfigFixtures.everyKeyConfig.ineffectiveKeyWarnings()
        let expected = ConfigKey.all.filter { $0.effect != .effective }.map(\.qualifiedName)
        #expect(warned.count == expected.count)
        for (line, key) in zip(warned, expected) { #expect(line.hasPrefix(key + " ")) }
    }

    @Test("secrets are masked unless asked for")
    func masking() {
        var config = MetaConfig()
        config.meta.sharedSecret = "s3cret"
        config.meta.internalSharedSecret = "inside"
        config.enterprise.licenseKey = "0000-1111"
        let masked = config.renderTOML(maskingSecrets: true)
        for secret in ["s3cret", "inside", "0000-1111"] { #expect(!masked.contains(secret)) }
        #expect(masked.components(separatedBy: MetaConfig.maskedSecret).count == 4)
        let shown = config.renderTOML()
        for secret in ["s3cret", "inside", "0000-1111"] { #expect(shown.contains(secret)) }
        // An unset secret is shown as unset.
        #expect(MetaConfig().renderTOML(maskingSecrets: true) == MetaConfig().renderTOML())
    }

    @Test("docs/CONFIGURATION.md marks each key without effect as such")
    func documented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/CONFIGURATION.md"), encoding: .utf8)
        let rows = docs.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for key in ConfigKey.all {
            let row = rows.first { $0.hasPrefix("| `\(key.name)` |") && $0.contains(key.environmentName) }
            let marker: String? =
                switch key.effect {
                case .effective: nil
                case .notYet: "**Not yet effective:**"
                case .none: "**No effect in this build:**"
                }
            if let marker {
                #expect(row?.contains(marker) == true, "\(key.qualifiedName) should be marked \(marker)")
            } else {
                #expect(row?.contains("**No") != true && row?.contains("**Not yet") != true, "\(key.qualifiedName)")
            }
        }
    }
}
