import FoundationEssentials

extension ConfigKey {
    /// Whether this build does what a key asks. Keys are accepted for compatibility with
    /// Enterprise's `influxdb-meta.conf` even where they do nothing here; such a key set to
    /// anything but its default is named in a warning at start-up (``MetaConfig/ineffectiveKeyWarnings()``).
    enum Effect: Sendable, Equatable {
        /// The key is honoured.
        case effective
        /// It belongs to a feature not built yet; the text says which.
        case notYet(String)
        /// It has no effect in this design; the text says why and what to use instead.
        case none(String)
    }

    /// This key with `effect`.
    func effect(_ effect: Effect) -> ConfigKey {
        var key = self
        key.effect = effect
        return key
    }

    /// This key, masked by `influxd-meta config` unless `-show-secrets` is given.
    func secret() -> ConfigKey {
        var key = self
        key.isSecret = true
        return key
    }
}

extension MetaConfig {
    /// One warning per key that this build does not honour and that is set to something other
    /// than its default: the key, its value (unless it is a secret) and why it does nothing.
    public func ineffectiveKeyWarnings() -> [String] {
        let defaults = MetaConfig()
        var warnings: [String] = []
        for key in ConfigKey.all where key.read(self) != key.read(defaults) {
            let setting =
                key.isSecret
                ? "\(key.qualifiedName) is set" : "\(key.qualifiedName) = \(Self.renderValue(key.read(self)))"
            switch key.effect {
            case .effective:
                continue
            case .notYet(let feature):
                warnings.append("\(setting) has no effect yet: \(feature) (see docs/CONFIGURATION.md)")
            case .none(let why):
                warnings.append("\(setting) has no effect in this build: \(why)")
            }
        }
        return warnings
    }
}
