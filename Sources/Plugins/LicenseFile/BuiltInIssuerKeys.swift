/// Issuer public keys (PEM) a build trusts without configuration. None by default: no real
/// InfluxData issuer key exists for this implementation, so `[enterprise] license-issuer-keys`
/// names every issuer. A distributor that runs its own issuer adds its PEM text here.
public enum BuiltInIssuerKeys {
    /// The PEM `PUBLIC KEY` blocks.
    public static let pem: [String] = []
}
