import CRaft
import Logging

extension RaftNode {
    /// Points libraft's FSM vtable at ``stateMachine``. Loop thread only.
    func installStateMachine() {
        fsm.pointee.version = 1
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
            let encoded: [UInt8]
            let started = ContinuousClock.now
            do {
                encoded = try node.stateMachine.snapshot()
                node.metrics?.snapshotTaken(bytes: encoded.count, in: ContinuousClock.now - started)
                // Encoding runs on the Raft thread (libraft's FSM version 1): long ones delay heartbeats.
                node.logger.info(
                    "snapshot taken",
                    metadata: [
                        "index": "\(raft_last_applied(node.server))", "bytes": "\(encoded.count)",
                        "ms": "\((ContinuousClock.now - started).milliseconds)",
                    ]
                )
            } catch {
                node.logger.error("snapshot failed: \(error)")
                return RAFT_IOERR
            }
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
}
