extension MetaNode {
    /// Brings this node's copy of the metadata up to what the leader had applied when asked,
    /// so that a read here shows every change a client was told had succeeded (`influxd-ctl
    /// show` after `join` or `remove-meta`). The leader takes a read barrier; a follower asks the
    /// leader for its applied index and waits until it has applied that much here.
    ///
    /// - Returns: `nil` when the local copy is known to be current (or the node has no cluster);
    ///   otherwise why it may be out of date, in a few words, for a read that answers anyway.
    public func catchUpWithLeader(within limit: Duration) async -> String? {
        guard let node = raft, let status = try? await node.status() else { return nil }
        if status.role == .leader {
            do {
                try await readBarrier()
                return nil
            } catch {
                return "it could not confirm that it still leads (\(error.message))"
            }
        }
        guard !status.leaderAddress.isEmpty else { return "it knows no leader" }
        guard let leaderHTTP = httpAddress(ofRaftAddress: status.leaderAddress) else {
            return "its leader \(status.leaderAddress) is not in its metadata yet"
        }
        let client = makePeerClient(timeout: limit)
        let target: UInt64
        do {
            guard let index = try await client.get(leaderHTTP, "/status").decode(ClusterStatus.self).index else {
                return "its leader \(leaderHTTP) did not say its index"
            }
            target = index
        } catch {
            return "it cannot reach its leader \(leaderHTTP) (\(error.message))"
        }
        let store = self.store
        let reached = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var data = store.current
                while data.index < target && !Task.isCancelled { data = await store.waitForChange(after: data.index) }
                return data.index >= target
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard !reached else { return nil }
        return "it is at index \(store.current.index), behind its leader \(leaderHTTP) at index \(target)"
    }
}
