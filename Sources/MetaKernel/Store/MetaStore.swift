import FoundationEssentials
public import NIOCore
import Synchronization

/// The node's copy of ``MetaData``: the state machine Raft applies into, and the source of
/// every read. Readers get an immutable value; long-pollers wait for the index to pass theirs.
public final class MetaStore: RaftStateMachine {
    private struct Waiter {
        var afterIndex: UInt64
        var continuation: CheckedContinuation<MetaData, Never>
    }

    /// One encoding of the metadata, made once per change however many readers ask.
    private struct EncodingCache {
        /// The encoding, when it was made at the current generation.
        var ready: (generation: UInt64, buffer: ByteBuffer)?
        /// The encoding in progress, so that concurrent readers share it.
        var pending: (generation: UInt64, task: Task<ByteBuffer, Never>)?
    }

    private struct State {
        var data = MetaData()
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiterID: UInt64 = 0
        /// Bumped by every change of `data`; keys the encoding caches.
        var generation: UInt64 = 0
        /// `data` as the API's JSON.
        var json = EncodingCache()
        /// `data` as a protobuf `Data`.
        var protobuf = EncodingCache()
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    /// The current metadata.
    public var current: MetaData {
        state.withLock { $0.data }
    }

    /// Applies one committed log entry. An entry that does not decode still advances the index
    /// (so the log keeps moving) and reports the problem in the outcome.
    public func apply(entry: UnsafeRawBufferPointer, index: UInt64) -> ApplyOutcome {
        let decoded: LogEntry?
        do {
            decoded = try LogEntry.decode(entry)
        } catch {
            decoded = nil
        }
        return update { data in
            // A restarted Raft instance replays its log from its last snapshot; entries this
            // store has already applied are skipped, so its state and index never go back.
            guard index > data.index else {
                return ApplyOutcome(index: index, error: "entry \(index) was already applied")
            }
            guard let decoded else {
                data.index = index
                return ApplyOutcome(index: index, error: "log entry \(index) does not decode; skipped")
            }
            return data.apply(decoded.command, term: decoded.term, index: index)
        }
    }

    /// Captures the current metadata; the closure encodes it (SnapshotCodec).
    public func snapshot() -> @Sendable () throws -> [UInt8] {
        let captured = current
        return { try SnapshotCodec.encode(captured) }
    }

    /// Replaces the metadata with a snapshot's; a snapshot that does not decode leaves it untouched.
    /// A snapshot older than the current state (a restarted Raft instance loading its own
    /// last snapshot) is ignored: the state never goes back.
    public func restore(_ snapshot: UnsafeRawBufferPointer) throws {
        let restored = try SnapshotCodec.decode(snapshot)
        update { data in
            if restored.index >= data.index { data = restored }
        }
    }

    /// Replaces the whole state.
    func replace(with data: MetaData) {
        update { $0 = data }
    }

    /// Waits until the index passes `index`, or the task is cancelled; returns the metadata then.
    public func waitForChange(after index: UInt64) async -> MetaData {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<MetaData, Never>) in
                let ready: MetaData? = state.withLock { state in
                    if state.data.index > index || Task.isCancelled { return state.data }
                    state.waiters[id] = Waiter(afterIndex: index, continuation: continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                (state.waiters.removeValue(forKey: id), state.data)
            }
            waiter.0?.continuation.resume(returning: waiter.1)
        }
    }

    /// The current metadata as the JSON the API serves (sorted keys, unescaped slashes),
    /// encoded once per change however many readers ask: 1,000 long polls woken by one write
    /// share one encoding, and the buffer itself.
    public func currentJSON() async -> ByteBuffer {
        await cached(\.json, encode: Self.encodeJSON)
    }

    /// The current metadata as a protobuf `Data` (`GET /`'s default), cached like ``currentJSON()``.
    public func currentProtobuf() async -> ByteBuffer {
        await cached(\.protobuf, encode: Self.encodeProtobuf)
    }

    private func cached(
        _ cache: any WritableKeyPath<State, EncodingCache> & Sendable,
        encode: @escaping @Sendable (MetaData) -> ByteBuffer
    ) async -> ByteBuffer {
        let (ready, pending): (ByteBuffer?, Task<ByteBuffer, Never>?) = state.withLock { state in
            let generation = state.generation
            if let ready = state[keyPath: cache].ready, ready.generation == generation { return (ready.buffer, nil) }
            if let pending = state[keyPath: cache].pending, pending.generation == generation {
                return (nil, pending.task)
            }
            let data = state.data
            let task = Task { [self] in
                let buffer = encode(data)
                self.state.withLock { state in
                    if state.generation == generation { state[keyPath: cache].ready = (generation, buffer) }
                    if state[keyPath: cache].pending?.generation == generation { state[keyPath: cache].pending = nil }
                }
                return buffer
            }
            state[keyPath: cache].pending = (generation, task)
            return (nil, task)
        }
        if let ready { return ready }
        return await pending!.value
    }

    /// `data` as a protobuf `Data`.
    static func encodeProtobuf(_ data: MetaData) -> ByteBuffer {
        let bytes = MetaDataProtobuf.encode(data)
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return buffer
    }

    /// `data` as the API's JSON.
    static func encodeJSON(_ data: MetaData) -> ByteBuffer {
        let bytes = MetaDataJSON.encode(data, escapingSlashes: false)
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return buffer
    }

    /// The number of long-pollers waiting.
    public var waiterCount: Int {
        state.withLock { $0.waiters.count }
    }

    @discardableResult
    private func update<T>(_ body: (inout MetaData) -> T) -> T {
        let (result, woken) = state.withLock { state in
            let result = body(&state.data)
            state.generation &+= 1
            state.json.ready = nil
            state.protobuf.ready = nil
            var woken: [(CheckedContinuation<MetaData, Never>, MetaData)] = []
            for (id, waiter) in state.waiters where waiter.afterIndex < state.data.index {
                woken.append((waiter.continuation, state.data))
                state.waiters.removeValue(forKey: id)
            }
            return (result, woken)
        }
        for (continuation, data) in woken { continuation.resume(returning: data) }
        return result
    }
}

extension MetaStore {
    /// Forgets everything (the node left its cluster). Long-pollers stay waiting.
    public func reset() {
        replace(with: MetaData())
    }
}
