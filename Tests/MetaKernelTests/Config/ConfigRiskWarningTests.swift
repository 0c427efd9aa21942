import MetaKernel
import Testing

@Suite("risky settings")
struct ConfigRiskWarningTests {
    @Test("one secret for user tokens and node tokens is named at start-up; different ones are not")
    func sameSecrets() {
        var config = MetaConfig()
        config.meta.sharedSecret = "one"
        config.meta.internalSharedSecret = "one"
        #expect(
            config.riskWarnings() == [
                "[meta] shared-secret and internal-shared-secret are the same: whoever can sign user tokens can also act as a meta node (reset or re-identify nodes); set different secrets"
            ]
        )
        config.meta.internalSharedSecret = "two"
        #expect(config.riskWarnings().isEmpty)
        config.meta.sharedSecret = ""
        config.meta.internalSharedSecret = ""
        #expect(config.riskWarnings().isEmpty)
    }
}
