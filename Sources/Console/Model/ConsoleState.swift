/// The console's live view of every registered cluster. The poller and the registration API
/// write it; pages read it; subscribers (server-sent events) hear of each change.
public actor ConsoleState {
    private var views: [String: ClusterView] = [:]
    private var subscribers: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextSubscriber = 0

    /// Creates an empty state.
    public init() {}

    /// Every cluster, by name then id.
    public func clusters() -> [ClusterView] {
        views.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    /// The cluster with id `id`, if registered.
    public func cluster(_ id: String) -> ClusterView? { views[id] }

    /// Stores `view`; subscribers hear its id when it differs from what was stored.
    public func update(_ view: ClusterView) {
        guard views[view.id] != view else { return }
        views[view.id] = view
        for continuation in subscribers.values { continuation.yield(view.id) }
    }

    /// Stores a poll's view of its cluster. A poll that has never reached the cluster knows its
    /// nodes only from the registrations as they stood when it began; what the registration API
    /// stored meanwhile (a node's first stats, with its address) is newer and is kept.
    /// - Returns: The view stored.
    @discardableResult
    public func storePoll(_ view: ClusterView) -> ClusterView {
        var view = view
        if view.lastPoll == nil, let current = views[view.id], current.lastPoll == nil {
            view.metaNodes = current.metaNodes
            view.leader = current.leader
            view.scheme = current.scheme
            view.license = current.license
        }
        update(view)
        return view
    }

    /// Changes the stored view of cluster `id` in place, if registered, and tells subscribers.
    public func modify(_ id: String, _ change: (inout ClusterView) -> Void) {
        guard var view = views[id] else { return }
        change(&view)
        update(view)
    }

    /// Forgets cluster `id`.
    public func remove(_ id: String) {
        guard views.removeValue(forKey: id) != nil else { return }
        for continuation in subscribers.values { continuation.yield(id) }
    }

    /// The ids of clusters as they change, until the stream is dropped. A slow reader sees the
    /// latest changes only (the buffer keeps 64).
    public func changes() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(64))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    /// How many subscribers listen (for tests and `/debug/vars`).
    public var subscriberCount: Int { subscribers.count }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }
}
