import CRaft

/// Holds a continuation for a libraft request; passed through the request's `data` field.
private final class RequestBox<Value: Sendable>: @unchecked Sendable {
    // Invariant: created on any thread, then resumed exactly once on the loop thread.
    let continuation: CheckedContinuation<Result<Value, RaftError>, Never>
    init(_ continuation: CheckedContinuation<Result<Value, RaftError>, Never>) {
        self.continuation = continuation
    }
}

extension RaftNode {
    /// Starts a libraft request on the loop thread and waits for its callback.
    ///
    /// `submit` receives the opaque box to store in the request's `data`; if it returns a
    /// non-zero code the callback will never fire, so the box is released here.
    private func request<Value: Sendable>(
        operation: String,
        _ submit: @escaping @Sendable (RaftNode, UnsafeMutableRawPointer) -> Int32
    ) async throws(RaftError) -> Value {
        let result: Result<Value, RaftError> = await withCheckedContinuation { continuation in
            let box = RequestBox<Value>(continuation)
            let accepted = enqueue { [self] in
                guard !isClosing else {
                    box.continuation.resume(returning: .failure(RaftError(code: RAFT_SHUTDOWN, operation: operation)))
                    return
                }
                let opaque = Unmanaged.passRetained(box).toOpaque()
                let rv = submit(self, opaque)
                if rv != 0 {
                    Unmanaged<RequestBox<Value>>.fromOpaque(opaque).release()
                    let detail = String(cString: raft_errmsg(server))
                    box.continuation.resume(
                        returning: .failure(RaftError(code: rv, operation: operation, detail: detail))
                    )
                }
            }
            if !accepted {
                continuation.resume(returning: .failure(RaftError(code: RAFT_SHUTDOWN, operation: operation)))
            }
        }
        return try result.get()
    }

    fileprivate static func complete<Value: Sendable>(
        _ data: UnsafeMutableRawPointer?,
        with result: Result<Value, RaftError>
    ) {
        guard let data else { return }
        Unmanaged<RequestBox<Value>>.fromOpaque(data).takeRetainedValue().continuation.resume(returning: result)
    }

    /// Proposes `entry` and waits until it is committed and applied here.
    /// - Returns: what the state machine made of it.
    /// - Throws: ``RaftError`` with `RAFT_NOTLEADER` on a follower, `RAFT_LEADERSHIPLOST` if
    ///   leadership was lost before the entry committed (it may still commit later).
    ///
    /// The entry is zero-padded to a multiple of 8 bytes: libraft 0.15 writes unpadded entries
    /// in a layout it cannot read back, and drops them (and everything after) on the next start.
    /// The state machine therefore sees the padding and must ignore trailing zero bytes.
    public func apply(_ entry: [UInt8]) async throws(RaftError) -> ApplyOutcome {
        try await propose { _ in entry }
    }

    /// Like ``apply(_:)``, but the entry is built on the loop thread from the current term, in
    /// the same hop as `raft_apply`: a write costs one wake-up of the loop, and the term in the
    /// entry is the one libraft appends it in. Proposals that queue up together are appended
    /// together (RaftNode+Proposals). `makeEntry` must be quick.
    public func propose(_ makeEntry: @escaping @Sendable (UInt64) -> [UInt8]) async throws(RaftError) -> ApplyOutcome {
        let result: Result<ApplyOutcome, RaftError> = await withCheckedContinuation { continuation in
            if !enqueue(.propose(Proposal(makeEntry: makeEntry, continuation: continuation))) {
                continuation.resume(returning: .failure(RaftError(code: RAFT_SHUTDOWN, operation: "raft_apply")))
            }
        }
        return try result.get()
    }

    /// Waits until every entry committed before the call has been applied here; fails on a
    /// follower. Used for linearizable reads; reads that queue up together share one barrier
    /// (RaftNode+Reads).
    public func barrier() async throws(RaftError) {
        let result: Result<Void, RaftError> = await withCheckedContinuation { continuation in
            if !enqueue(.read(continuation)) {
                continuation.resume(returning: .failure(RaftError(code: RAFT_SHUTDOWN, operation: "raft_barrier")))
            }
        }
        try result.get()
    }

    private func change(
        operation: String,
        _ submit: @escaping @Sendable (RaftNode, UnsafeMutablePointer<raft_change>) -> Int32
    ) async throws(RaftError) {
        let _: Bool = try await request(operation: operation) { node, box in
            let req = UnsafeMutablePointer<raft_change>.allocate(capacity: 1)
            req.initialize(to: raft_change())
            req.pointee.data = box
            let rv = submit(node, req)
            if rv != 0 { req.deallocate() }
            return rv
        }
    }

    private static let changeDone: raft_change_cb = { req, status in
        guard let req else { return }
        let data = req.pointee.data
        req.deallocate()
        let result: Result<Bool, RaftError> =
            status == 0 ? .success(true) : .failure(RaftError(code: status, operation: "membership change"))
        RaftNode.complete(data, with: result)
    }

    /// Opens a Raft connection to `address` as this node would, runs the handshake (which
    /// checks `internal-shared-secret` both ways) and hangs up.
    /// - Throws: one line naming the peer and why it cannot be reached or was refused.
    public func probePeer(address: String) async throws {
        let preamble = RaftPreamble(
            id: configuration.id,
            address: configuration.address,
            nonce: bridge.dialer.authentication.nonce()
        )
        try await bridge.dialer.probe(address: address, preamble: preamble)
    }

    /// Adds a server as a spare (`raft_add`); follow with ``promote(id:)``.
    public func add(id: UInt64, address: String) async throws(RaftError) {
        try await change(operation: "raft_add") { node, req in
            raft_add(node.server, req, id, address, RaftNode.changeDone)
        }
    }

    /// Makes a server a voter (`raft_assign`); libraft catches it up first.
    public func promote(id: UInt64) async throws(RaftError) {
        try await change(operation: "raft_assign") { node, req in
            raft_assign(node.server, req, id, RAFT_VOTER, RaftNode.changeDone)
        }
    }

    /// Removes a server from the configuration (`raft_remove`).
    public func remove(id: UInt64) async throws(RaftError) {
        try await change(operation: "raft_remove") { node, req in
            raft_remove(node.server, req, id, RaftNode.changeDone)
        }
    }

    /// Hands leadership to `id` (0: the most up-to-date voter) and waits for the attempt to end.
    public func transferLeadership(to id: UInt64) async throws(RaftError) {
        let _: Bool = try await request(operation: "raft_transfer") { node, box in
            let req = UnsafeMutablePointer<raft_transfer>.allocate(capacity: 1)
            req.initialize(to: raft_transfer())
            req.pointee.data = box
            let rv = raft_transfer(node.server, req, id) { req in
                guard let req else { return }
                let data = req.pointee.data
                req.deallocate()
                RaftNode.complete(data, with: Result<Bool, RaftError>.success(true))
            }
            if rv != 0 { req.deallocate() }
            return rv
        }
    }

    /// The node's role, term, leader and configuration, read on the loop thread.
    public func status() async throws(RaftError) -> RaftStatus {
        try await onLoop { [self] () throws(RaftError) -> RaftStatus in
            guard !isClosing else { throw RaftError(code: RAFT_SHUTDOWN, operation: "raft status") }
            return readStatus()
        }
    }

    /// Reads the status; loop thread only.
    func readStatus() -> RaftStatus {
        var leaderID: raft_id = 0
        var leaderAddress: UnsafePointer<CChar>?
        raft_leader(server, &leaderID, &leaderAddress)
        let role: RaftStatus.Role =
            switch Int(raft_state(server)) {
            case Int(RAFT_FOLLOWER): .follower
            case Int(RAFT_CANDIDATE): .candidate
            case Int(RAFT_LEADER): .leader
            default: .unavailable
            }
        var status = RaftStatus(
            role: role,
            term: currentTerm,
            leaderID: leaderID,
            leaderAddress: leaderAddress.map { String(cString: $0) } ?? "",
            servers: configurationServers.sorted { $0.id < $1.id },
            lastApplied: raft_last_applied(server),
            lastIndex: raft_last_index(server),
            snapshotIndex: snapshotLastIndex
        )
        status.commitIndex = commitIndex
        if role == .leader { status.peersHeardFrom = peersRecentlyHeardFrom }
        return status
    }
}
