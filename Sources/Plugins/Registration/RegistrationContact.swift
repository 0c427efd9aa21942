import Logging

/// The node's standing with the console, logged once per change rather than once per try: a
/// console that stays down, or keeps refusing with the same status, costs one line.
struct RegistrationContact: Sendable {
    /// The states worth a line; an unreachable console is one state whatever the reason.
    enum State: Equatable {
        case unknown
        case registered
        case unreachable
        case refused(status: Int)
    }

    let url: String
    let logger: Logger
    private(set) var state = State.unknown

    init(url: String, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Records the outcome of `call` for `node`, logging when the state changed.
    mutating func record(_ outcome: RegistrationClient.Outcome, call: String, clusterID: UInt64, nodeID: UInt64) {
        let next: State
        switch outcome {
        case .accepted: next = .registered
        case .unreachable: next = .unreachable
        case .refused(let status, _): next = .refused(status: status)
        }
        guard next != state else { return }
        state = next
        switch outcome {
        case .accepted:
            logger.info("registered with the web console \(url) as server \(nodeID) of cluster \(clusterID)")
        case .unreachable(let reason):
            logger.warning(
                "web console \(url) unreachable: \(reason); the node retries in the background with backoff"
            )
        case .refused(let status, let message):
            logger.warning(
                "web console \(url) refused \(call): \(status) \(message.isEmpty ? "(no error text)" : message); the node retries in the background with backoff"
            )
        }
    }
}
