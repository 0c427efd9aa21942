extension SelectedPlugins {
    /// The plugins that can reload on SIGHUP: the transport (its certificates), then licensing.
    public var reloadable: [any Reloadable] {
        let candidates: [Any?] = [transport, licensing, discovery, registration]
        return candidates.compactMap { $0 as? any Reloadable }
    }
}
