import FoundationEssentials

extension MetaConfig {
    /// The effective configuration as TOML: every section and key in documentation order, durations as Go strings
    /// (`"1m0s"`), optional TLS versions as `""` when unset.
    ///
    /// This is what `influxd-meta config` prints. Parsing the result with ``ConfigLoader/parse(_:file:environment:)``
    /// gives back an equal configuration.
    /// - Parameter maskingSecrets: write ``maskedSecret`` for secrets that are set (`influxd-meta config`
    ///   without `-show-secrets`).
    /// - Returns: A TOML document ending in a newline.
    public func renderTOML(maskingSecrets: Bool = false) -> String {
        var lines: [String] = []
        for section in ConfigSection.allCases {
            if let header = section.header {
                lines.append("")
                lines.append(header)
            }
            for key in ConfigKey.all where key.section == section {
                let value = key.read(self)
                let masked = maskingSecrets && key.isSecret && value != .string("")
                lines.append("\(key.name) = \(masked ? ConfigText.quoted(Self.maskedSecret) : Self.renderValue(value))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What a masked secret reads as.
    public static let maskedSecret = "<hidden; show it with influxd-meta config -show-secrets>"

    /// A value as a TOML literal.
    static func renderValue(_ value: ConfigValue) -> String {
        switch value {
        case .bool(let flag): String(flag)
        case .int(let number): String(number)
        case .string(let text): ConfigText.quoted(text)
        case .duration(let duration): ConfigText.quoted(duration.description)
        case .strings(let list): "[" + list.map(ConfigText.quoted).joined(separator: ", ") + "]"
        }
    }
}
