import FoundationEssentials
import MetaKernel

extension CtlConnection {
    /// With `-auth-type none` on a meta node: a token signed with the configuration's
    /// `internal-shared-secret`, as the node itself would send its peers, so that membership
    /// commands run with `-config` on a node work on a cluster that demands one. `nil` without a secret.
    static func nodeAuthorization(_ config: MetaConfig, catalog: PluginCatalog) -> (@Sendable () -> String)? {
        let secret = config.meta.internalSharedSecret
        guard !secret.isEmpty, let makeAuthenticator = catalog.messageAuthenticator else { return nil }
        let authenticator = makeAuthenticator()
        let key = Array(secret.utf8)
        return {
            let expires = UInt64(max(Date().timeIntervalSince1970, 0)) + APIAuthenticator.nodeTokenLifetime
            return
                "Bearer \(JSONWebToken.hs256(username: "", expires: expires, secret: key, authenticator: authenticator))"
        }
    }
}
