extension MetaConfig {
    /// Settings that are valid but weaken the cluster, one line each, logged at start-up.
    public func riskWarnings() -> [String] {
        var warnings: [String] = []
        if !meta.sharedSecret.isEmpty && meta.sharedSecret == meta.internalSharedSecret {
            warnings.append(
                "[meta] shared-secret and internal-shared-secret are the same: whoever can sign user tokens can also act as a meta node (reset or re-identify nodes); set different secrets"
            )
        }
        return warnings
    }
}
