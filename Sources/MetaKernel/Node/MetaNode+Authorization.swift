extension MetaNode {
    /// The authenticator of this node's API, from `[meta] auth-enabled`, `shared-secret` and
    /// `internal-shared-secret`.
    public func makeAuthenticator() -> APIAuthenticator {
        let meta = configuration.config.meta
        return APIAuthenticator(
            configuration: .init(
                authEnabled: meta.authEnabled,
                sharedSecret: meta.sharedSecret,
                internalSharedSecret: meta.internalSharedSecret
            ),
            store: store,
            messageAuthenticator: plugins.messageAuthenticator,
            passwordHasher: plugins.passwordHasher
        )
    }

    /// A client for other meta nodes: the node's transport and discovery, and a short-lived
    /// token signed with `internal-shared-secret` on every request when one is set.
    func makePeerClient(timeout: Duration) -> MetaClient {
        MetaClient(
            configuration: .init(
                transport: plugins.transport,
                timeout: timeout,
                discovery: plugins.discovery,
                authorization: makeAuthenticator().nodeAuthorization
            )
        )
    }
}
