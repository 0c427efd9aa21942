public import FoundationEssentials
import MetaKernel

extension TLSContext {
    /// A certificate's validity period, in seconds since 1970.
    struct Validity: Sendable, Equatable {
        var notBefore: Int64?
        var notAfter: Int64?

        /// The warnings due at `now`: the certificate expires within
        /// ``Configuration/expirationWarning`` (or has expired), or is not valid yet.
        func warnings(for configuration: Configuration, now: Date) -> [String] {
            let names = configuration.settingNames
            let prefix = "\(names.certificate) \(configuration.certificatePath)"
            let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
            var warnings: [String] = []
            if let notAfter {
                let remaining = notAfter - nowSeconds
                let windowText = GoDuration(configuration.expirationWarning)
                if remaining <= 0 {
                    warnings.append(
                        "\(prefix): certificate expired on \(Builder.utcText(notAfter)); new connections fail "
                            + "until it is renewed: install a new one and send SIGHUP"
                    )
                } else if remaining <= configuration.expirationWarning.components.seconds {
                    warnings.append(
                        "\(prefix): certificate expires on \(Builder.utcText(notAfter)), in "
                            + "\(GoDuration(.seconds(remaining))) (\(names.expirationWarning) is \(windowText)); renew it"
                    )
                }
            }
            if let notBefore, notBefore > nowSeconds {
                warnings.append("\(prefix): certificate is not valid before \(Builder.utcText(notBefore))")
            }
            return warnings
        }
    }

    /// The expiry warnings due at `now` for the certificate this context was built with: the
    /// node logs them at start and once a day.
    public func warnings(now: Date) -> [String] {
        validity?.warnings(for: configuration, now: now) ?? []
    }
}
