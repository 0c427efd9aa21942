import FoundationEssentials
import MetaKernel
import Synchronization

/// The contexts an ``OpenSSLTransport`` hands to new connections, replaced together on reload.
///
/// Each connection's `SSL` keeps the context it was created from alive, so an established
/// connection is untouched by a reload; only connections made afterwards use the new files.
// Sendable: `current` is behind a Mutex; a TLSContext never changes once built.
final class TLSContextReloader: Sendable {
    /// One context per use; they are the same object where their configurations are equal.
    struct Contexts: Sendable {
        /// Dials peers (presenting the node's certificate) and serves listeners without mutual TLS.
        var client: TLSContext
        /// Serves the HTTP API.
        var api: TLSContext
        /// Serves the Raft port.
        var raft: TLSContext
    }

    /// What the contexts are built from.
    struct Configurations: Sendable, Equatable {
        var client: TLSContext.Configuration
        var api: TLSContext.Configuration
        var raft: TLSContext.Configuration
    }

    let configurations: Configurations
    private let current: Mutex<Contexts>

    /// Builds every context.
    /// - Throws: ``TLSError`` naming the key and file.
    init(configurations: Configurations, now: Date) throws(TLSError) {
        self.configurations = configurations
        self.current = Mutex(try Self.build(configurations, now: now))
    }

    /// Serves and dials with `context`; a reload rebuilds it from its configuration.
    init(context: TLSContext) {
        let configuration = context.configuration
        self.configurations = Configurations(client: configuration, api: configuration, raft: configuration)
        self.current = Mutex(Contexts(client: context, api: context, raft: context))
    }

    /// The contexts for connections made now.
    var contexts: Contexts { current.withLock { $0 } }

    /// Builds new contexts from the files and, if every one builds, makes them current.
    /// - Returns: Their warnings (a certificate expiring soon), each once.
    /// - Throws: ``TLSError`` naming the key and file; the previous contexts stay current.
    func reload(now: Date = Date()) throws(TLSError) -> [String] {
        let fresh = try Self.build(configurations, now: now)
        current.withLock { $0 = fresh }
        return builtWarnings
    }

    /// The warnings the current contexts found when they were built, each once.
    var builtWarnings: [String] {
        let contexts = self.contexts
        return Self.unique([contexts.client, contexts.api, contexts.raft].flatMap(\.warnings))
    }

    /// The expiry warnings due at `now` for the current contexts, each once.
    func warnings(now: Date) -> [String] {
        let contexts = self.contexts
        return Self.unique([contexts.client, contexts.api, contexts.raft].flatMap { $0.warnings(now: now) })
    }

    private static func build(_ configurations: Configurations, now: Date) throws(TLSError) -> Contexts {
        let client = try TLSContext(configuration: configurations.client, now: now)
        let api =
            configurations.api == configurations.client
            ? client : try TLSContext(configuration: configurations.api, now: now)
        let raft: TLSContext
        if configurations.raft == configurations.client {
            raft = client
        } else if configurations.raft == configurations.api {
            raft = api
        } else {
            raft = try TLSContext(configuration: configurations.raft, now: now)
        }
        return Contexts(client: client, api: api, raft: raft)
    }

    private static func unique(_ lines: [String]) -> [String] {
        var seen = Set<String>()
        return lines.filter { seen.insert($0).inserted }
    }
}
