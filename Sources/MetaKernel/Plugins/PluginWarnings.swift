/// A plugin that finds, while it is built from the configuration, problems that do not stop
/// the node (a certificate about to expire). ``PluginCatalog/select(for:)`` gathers them into
/// ``SelectedPlugins/notices``, which the node logs at start-up.
public protocol PluginWarnings {
    /// One line each, naming the key or file and what to do.
    var warnings: [String] { get }
}
