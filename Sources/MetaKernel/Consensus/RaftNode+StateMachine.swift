import CRaft
import Logging
import Synchronization

/// A snapshot between its capture on the loop thread and its encoding on the thread pool.
struct PendingSnapshot: Sendable {
    /// Encodes the captured state.
    let encode: @Sendable () throws -> [UInt8]
    /// The last index the captured state includes.
    let index: UInt64
    /// When the capture began.
    let started: ContinuousClock.Instant
}

extension RaftNode {
    /// Points libraft's FSM vtable at ``stateMachine``. Loop thread only.
    ///
    /// The FSM is libraft's version 3: `snapshot` captures the state on the loop thread,
    /// `snapshot_async` encodes it on libuv's thread pool while the loop goes on applying
    /// entries, and `snapshot_finalize` frees the encoded buffers on the loop thread once
    /// libraft has written them. Version 1 encoded on the loop, and every write waited for it.
    func installStateMachine() {
        fsm.pointee.version = 3
        fsm.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        fsm.pointee.apply = { fsm, buffer, result in
            guard let fsm, let buffer, let data = fsm.pointee.data else { return RAFT_INVALID }
            let node = Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue()
            let index = raft_last_applied(node.server) + 1
            let bytes = UnsafeRawBufferPointer(start: buffer.pointee.base, count: buffer.pointee.len)
            let started = ContinuousClock.now
            let outcome = node.stateMachine.apply(entry: bytes, index: index)
            node.metrics?.applied(in: ContinuousClock.now - started)
            node.commandApplied()
            node.answerProposal(at: index, with: outcome)
            result?.pointee = nil
            return 0
        }
        fsm.pointee.snapshot = { fsm, buffers, count in
            guard let fsm, let buffers, let count, let data = fsm.pointee.data else { return RAFT_INVALID }
            let node = Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue()
            node.snapshotStarted()
            let pending = PendingSnapshot(
                encode: node.stateMachine.snapshot(),
                index: raft_last_applied(node.server),
                started: ContinuousClock.now
            )
            // Without the I/O's async_work (RaftNode.setUpRaft) libraft wants the buffers now.
            guard fsm.pointee.snapshot_async != nil else {
                return node.encodeSnapshot(pending, into: buffers, count: count)
            }
            node.pendingSnapshot.withLock { $0 = pending }
            buffers.pointee = nil
            count.pointee = 0
            return 0
        }
        fsm.pointee.snapshot_async = { fsm, buffers, count in
            guard let fsm, let buffers, let count, let data = fsm.pointee.data else { return RAFT_INVALID }
            let node = Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue()
            guard let pending = node.pendingSnapshot.withLock({ $0.take() }) else { return RAFT_INVALID }
            return node.encodeSnapshot(pending, into: buffers, count: count)
        }
        fsm.pointee.snapshot_finalize = { _, buffers, count in
            guard let buffers, let count else { return 0 }
            if let array = buffers.pointee {
                for i in 0..<Int(count.pointee) { raft_free(array[i].base) }
                raft_free(array)
            }
            buffers.pointee = nil
            count.pointee = 0
            return 0
        }
        fsm.pointee.restore = { fsm, buffer in
            guard let fsm, let buffer, let data = fsm.pointee.data else { return RAFT_INVALID }
            let node = Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: buffer.pointee.base, count: buffer.pointee.len)
            let started = ContinuousClock.now
            do {
                try node.stateMachine.restore(bytes)
                node.logger.info(
                    "snapshot restored",
                    metadata: ["bytes": "\(bytes.count)", "ms": "\((ContinuousClock.now - started).milliseconds)"]
                )
            } catch {
                node.logger.error("refusing to restore snapshot: \(error)")
                return RAFT_CORRUPT
            }
            raft_free(buffer.pointee.base)
            return 0
        }
    }

    /// Encodes `pending` into one libraft buffer; on the thread pool it touches no loop state.
    private func encodeSnapshot(
        _ pending: PendingSnapshot,
        into buffers: UnsafeMutablePointer<UnsafeMutablePointer<raft_buffer>?>,
        count: UnsafeMutablePointer<UInt32>
    ) -> Int32 {
        let encoded: [UInt8]
        do {
            encoded = try pending.encode()
        } catch {
            logger.error("snapshot failed: \(error)")
            return RAFT_IOERR
        }
        let elapsed = ContinuousClock.now - pending.started
        metrics?.snapshotTaken(bytes: encoded.count, in: elapsed)
        logger.info(
            "snapshot taken",
            metadata: ["index": "\(pending.index)", "bytes": "\(encoded.count)", "ms": "\(elapsed.milliseconds)"]
        )
        // Zero-padded to 8 bytes like log entries (see RaftNode.apply); restore ignores the padding.
        guard let buffer = RaftNode.paddedBuffer(for: encoded) else { return RAFT_NOMEM }
        guard let array = raft_malloc(MemoryLayout<raft_buffer>.stride)?.assumingMemoryBound(to: raft_buffer.self)
        else {
            raft_free(buffer.base)
            return RAFT_NOMEM
        }
        array.initialize(to: buffer)
        buffers.pointee = array
        count.pointee = 1
        return 0
    }
}
