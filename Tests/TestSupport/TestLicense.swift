import Foundation

/// The licensing keys a test node's config file gets: `influxd-meta` refuses to start without a
/// license, so every test node carries one unless the test is about licensing.
public enum TestLicense: Sendable {
    /// The shared ``DevelopmentLicense``, unless the test's `extraConfig` sets `license-key` or
    /// `license-path` itself (then it is left alone).
    case development
    /// No licensing keys (tests of the refusal, or of a license the test adds some other way).
    case none

    /// `extraConfig` with this license's keys: inside the test's own `[enterprise]` table when it
    /// has one (TOML forbids a second), else in a table of their own at the end.
    func apply(to extraConfig: String) throws -> String {
        guard case .development = self else { return extraConfig }
        var lines = extraConfig.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        if trimmed.contains(where: { $0.hasPrefix("license-key") || $0.hasPrefix("license-path") }) {
            return extraConfig
        }
        let keys = try DevelopmentLicense.shared.configLines
        guard let header = trimmed.firstIndex(of: "[enterprise]") else {
            return extraConfig + "\n\n[enterprise]\n" + keys
        }
        lines.insert(keys, at: header + 1)
        return lines.joined(separator: "\n")
    }
}
