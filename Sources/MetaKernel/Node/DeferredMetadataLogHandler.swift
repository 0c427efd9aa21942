public import Logging

/// Writes exactly what its base `StreamLogHandler` writes, but keeps a logger's metadata itself
/// and hands it to the base only when a line is logged.
///
/// `StreamLogHandler` formats its metadata each time it is set, and Hummingbird sets
/// `hb.request.id` on a copy of the logger for every request: formatting a request id nobody
/// logs cost about 2% of a busy node's HTTP threads.
public struct DeferredMetadataLogHandler: LogHandler {
    private var base: StreamLogHandler

    /// The logger's metadata, formatted only into lines that are logged.
    public var metadata: Logger.Metadata = [:]

    /// Values added to every line, over the logger's metadata and under the line's own.
    public var metadataProvider: Logger.MetadataProvider?

    /// Wraps `base`, taking over its metadata and metadata provider.
    public init(_ base: StreamLogHandler) {
        self.base = base
        self.metadata = base.metadata
        self.metadataProvider = base.metadataProvider
        self.base.metadata = [:]
        self.base.metadataProvider = nil
    }

    /// The base's level.
    public var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    /// One metadata value of the logger.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Logs `event` with the logger's metadata, then the provider's, then the event's own, each
    /// taking precedence over the one before (as `StreamLogHandler` merges them).
    public func log(event: LogEvent) {
        var event = event
        let provided = metadataProvider?.get() ?? [:]
        if !metadata.isEmpty || !provided.isEmpty {
            var merged = metadata
            merged.merge(provided) { _, provided in provided }
            merged.merge(event.metadata ?? [:]) { _, explicit in explicit }
            event.metadata = merged
        }
        base.log(event: event)
    }
}
