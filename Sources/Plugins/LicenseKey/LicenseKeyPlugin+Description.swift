extension LicenseKeyPlugin: CustomStringConvertible {
    /// The server and the cache, never the key.
    public var description: String { "LicenseKeyPlugin(\(configuration))" }
}

extension LicenseKeyPlugin.Configuration: CustomStringConvertible {
    /// The settings with the key masked.
    public var description: String {
        "serverURL: \(serverURL), key: \(key.isEmpty ? "none" : "<masked>"), cachePath: \(cachePath)"
    }
}
