public import FoundationEssentials
public import Logging
public import ServiceLifecycle
import UnixSignals

/// The node's one SIGHUP handler: on each SIGHUP it reloads every ``Reloadable`` plugin in
/// turn, and once per ``Configuration/warningInterval`` it logs their current warnings.
///
/// SIGHUP is trapped here only, so plugins never install handlers of their own that could
/// race; a plugin that cannot reload logs why and keeps its previous state.
public struct ReloadService: Service {
    /// How the service runs.
    public struct Configuration: Sendable {
        /// Whether SIGHUP is trapped (off in unit tests, which share the test process).
        public var trapSIGHUP: Bool
        /// How often ``Reloadable/currentWarnings(now:)`` is logged again. Default one day.
        public var warningInterval: Duration

        /// Creates a configuration: SIGHUP trapped, warnings repeated daily.
        public init(trapSIGHUP: Bool = true, warningInterval: Duration = .seconds(86_400)) {
            self.trapSIGHUP = trapSIGHUP
            self.warningInterval = warningInterval
        }
    }

    let parts: [any Reloadable]
    let configuration: Configuration
    let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - parts: The plugins to reload, in order.
    ///   - configuration: Signal trapping and the warning interval.
    ///   - logger: Where reloads and warnings are logged.
    public init(parts: [any Reloadable], configuration: Configuration = Configuration(), logger: Logger) {
        self.parts = parts
        self.configuration = configuration
        self.logger = logger
    }

    /// Reloads on SIGHUP and repeats warnings until graceful shutdown.
    public func run() async throws {
        let (events, sink) = AsyncStream<Event>.makeStream()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                if configuration.trapSIGHUP {
                    let signals = await UnixSignalsSequence(trapping: .sighup)
                    group.addTask {
                        for await _ in signals { sink.yield(.reload) }
                    }
                }
                let interval = configuration.warningInterval
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        sink.yield(.warn)
                    }
                }
                for await event in events {
                    switch event {
                    case .reload: await reloadAll()
                    case .warn: logWarnings(now: Date())
                    }
                }
                group.cancelAll()
            }
        }
        sink.finish()
    }

    /// Reloads every part in turn, logging each outcome.
    public func reloadAll() async {
        logger.info("SIGHUP: reloading", metadata: ["parts": "\(parts.map(\.reloadSubject).joined(separator: ", "))"])
        for part in parts {
            do {
                let warnings = try await part.reload()
                logger.info("reloaded \(part.reloadSubject)")
                for warning in warnings { logger.warning("\(warning)") }
            } catch {
                logger.error("cannot reload \(part.reloadSubject), keeping the previous one: \(error)")
            }
        }
    }

    /// Logs every part's current warnings.
    public func logWarnings(now: Date) {
        for part in parts {
            for warning in part.currentWarnings(now: now) { logger.warning("\(warning)") }
        }
    }

    private enum Event: Sendable {
        case reload
        case warn
    }
}
