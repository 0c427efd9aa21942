import MetaKernel

/// `influxd-meta` runs only with a license: `[enterprise] license-key` or `license-path`.
///
/// The kernel can run a node without licensing (an embedding app decides); this daemon refuses
/// to, before Raft opens, with one line saying how to get a license.
enum LicenseRequirement {
    /// The refusal for `loaded`, or `nil` when it names a license key or a license file.
    static func refusal(for loaded: LoadedConfig) -> String? {
        let enterprise = loaded.config.enterprise
        guard enterprise.licenseKey.isEmpty, enterprise.licensePath.isEmpty else { return nil }
        let source = loaded.path.map(displayPath) ?? "built-in defaults (no config file)"
        return "\(source): neither [enterprise] license-key nor license-path is set, and a meta node does not run"
            + " without a license; set license-key to your license key from InfluxData, or license-path to a license"
            + " file and license-issuer-keys to its issuer's public key (for a development or air-gapped install,"
            + " make both with influx-license keygen and influx-license issue: docs/LICENSING.md)"
    }

    /// `path`, quoted when it holds a control character, so the message stays one line.
    private static func displayPath(_ path: String) -> String {
        path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? path.debugDescription : path
    }
}
