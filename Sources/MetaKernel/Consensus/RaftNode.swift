import CPosix
import CRaft
import FoundationEssentials
public import Logging
import Synchronization

/// One libraft server running on its own libuv loop thread.
///
/// Every `raft_*` and `uv_*` call runs on that thread. Other threads hand it work through
/// ``enqueue(_:)``, which appends to a locked inbox and wakes the loop with `uv_async_send`
/// (libuv's only thread-safe call); results come back through continuations.
public final class RaftNode: @unchecked Sendable {
    // Invariant for @unchecked Sendable: the C structures below, and the Swift state marked
    // "loop thread only" (awaited proposals, counters, quiet-moment state, `isClosing`), are
    // touched only on the loop thread (after `start` hands them to it); `inbox` is behind a
    // Mutex; `wakeup` is used from other threads only through uv_async_send, called under the
    // inbox lock while `inbox.accepting` is true (it turns false under that lock before `wakeup`
    // is closed, so no send reaches a closed handle or loop).

    /// How the node runs.
    public struct Configuration: Sendable {
        /// This server's Raft id (the meta node id).
        public var id: UInt64
        /// This server's advertised Raft address, `host:8089`.
        public var address: String
        /// Where libraft keeps its log, metadata and snapshots.
        public var directory: String
        /// Follower timeout before starting an election (randomised by libraft up to twice this).
        public var electionTimeout: Duration
        /// Interval between the leader's heartbeats.
        public var heartbeatInterval: Duration
        /// Entries after the last snapshot from which a node takes its next one, once it has been
        /// idle for ``snapshotQuietDelay``; without such a moment it takes it at
        /// ``snapshotCeiling`` entries.
        public var snapshotThreshold: Int
        /// Entries kept in the log after a snapshot.
        public var snapshotTrailing: Int
        /// How soon libraft dials a peer again after a failed connection.
        public var connectRetryDelay: Duration
        /// How long a leader waits after applying a command for another one before it appends its
        /// commit notice (see ``commitNotice``).
        public var quietDelay: Duration
        /// Whether a leader appends a barrier entry once it has applied a command and then none
        /// for ``quietDelay``, which tells the followers the new commit index at once instead of
        /// at the next heartbeat (so long polls on followers wake within milliseconds).
        public var commitNotice: Bool
        /// How long a follower goes without applying an entry before a due snapshot may be taken
        /// (a leader waits three heartbeats longer, so that its followers are ready first).
        public var snapshotQuietDelay: Duration

        /// Entries after which a node snapshots even without a quiet moment: four times
        /// ``snapshotThreshold`` (libraft's own threshold, which it checks after every apply).
        public var snapshotCeiling: Int { min(snapshotThreshold, Int(UInt32.max / 4)) * 4 }

        /// Creates a configuration.
        public init(
            id: UInt64,
            address: String,
            directory: String,
            electionTimeout: Duration = .seconds(1),
            heartbeatInterval: Duration = .milliseconds(100),
            snapshotThreshold: Int = 8192,
            snapshotTrailing: Int = 2048,
            connectRetryDelay: Duration = .milliseconds(100),
            quietDelay: Duration = .milliseconds(20),
            commitNotice: Bool = true,
            snapshotQuietDelay: Duration = .milliseconds(250)
        ) {
            self.id = id
            self.address = address
            self.directory = directory
            self.electionTimeout = electionTimeout
            self.heartbeatInterval = heartbeatInterval
            self.snapshotThreshold = snapshotThreshold
            self.snapshotTrailing = snapshotTrailing
            self.connectRetryDelay = connectRetryDelay
            self.quietDelay = quietDelay
            self.commitNotice = commitNotice
            self.snapshotQuietDelay = snapshotQuietDelay
        }
    }

    struct Inbox {
        enum Job {
            case run(@Sendable () -> Void)
            case propose(Proposal)
            case read(Reader)
        }
        var jobs: [Job] = []
        var accepting = false
    }

    /// The configuration it runs with.
    public let configuration: Configuration
    let logger: Logger
    let stateMachine: any RaftStateMachine
    /// Where apply latency, proposals and snapshots are reported, if anywhere.
    let metrics: RaftMetrics?
    let bridge: RaftTransportBridge

    let loop = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
    let wakeup = UnsafeMutablePointer<uv_async_t>.allocate(capacity: 1)
    let quietTimer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
    let snapshotTimer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
    /// Runs after each batch of I/O: narrows a follower's election wait (RaftNode+ElectionWait)
    /// and restarts the quiet-moment timers when entries were applied (RaftNode+QuietMoments).
    let afterIO = UnsafeMutablePointer<uv_check_t>.allocate(capacity: 1)
    let io = UnsafeMutablePointer<raft_io>.allocate(capacity: 1)
    let fsm = UnsafeMutablePointer<raft_fsm>.allocate(capacity: 1)
    let server = UnsafeMutablePointer<raft>.allocate(capacity: 1)
    let transport = UnsafeMutablePointer<raft_uv_transport>.allocate(capacity: 1)
    let inbox = Mutex(Inbox())
    let stopWaiters = Mutex<[CheckedContinuation<Void, Never>]?>([])
    /// The state captured for the snapshot being encoded on the thread pool (RaftNode+StateMachine);
    /// set on the loop thread, taken on the pool thread.
    let pendingSnapshot = Mutex<PendingSnapshot?>(nil)

    /// Proposed entries waiting to be applied, by index (RaftNode+Proposals); loop thread only.
    var awaitingApply: [UInt64: AwaitedEntry] = [:]
    /// How many `raft_apply` calls carried how many proposals, and how many barriers were
    /// appended for reads; loop thread only.
    var appended = (batches: 0, proposals: 0, barriers: 0)

    /// Quiet-moment bookkeeping (RaftNode+QuietMoments); loop thread only.
    var quiet = QuietState()

    /// Set on the loop thread once shutdown began; jobs that run after it fail with `RAFT_SHUTDOWN`.
    var isClosing = false

    /// Creates a node; nothing runs until ``start(bootstrapping:)``.
    /// - Parameters:
    ///   - dialer: opens Raft connections to peers and accepts theirs.
    public init(
        configuration: Configuration,
        stateMachine: any RaftStateMachine,
        dialer: RaftDialer,
        logger: Logger,
        metrics: RaftMetrics? = nil
    ) {
        self.configuration = configuration
        self.stateMachine = stateMachine
        self.metrics = metrics
        self.logger = logger
        self.bridge = RaftTransportBridge(dialer: dialer, logger: logger)
        loop.initialize(to: uv_loop_t())
        wakeup.initialize(to: uv_async_t())
        quietTimer.initialize(to: uv_timer_t())
        snapshotTimer.initialize(to: uv_timer_t())
        afterIO.initialize(to: uv_check_t())
        io.initialize(to: raft_io())
        fsm.initialize(to: raft_fsm())
        server.initialize(to: raft())
        transport.initialize(to: raft_uv_transport())
    }

    deinit {
        loop.deallocate()
        wakeup.deallocate()
        quietTimer.deallocate()
        snapshotTimer.deallocate()
        afterIO.deallocate()
        io.deallocate()
        fsm.deallocate()
        server.deallocate()
        transport.deallocate()
    }

    /// Starts the loop thread and libraft.
    ///
    /// - Parameter bootstrapping: when true and the directory holds no Raft state, bootstrap a
    ///   one-voter configuration with this node. With existing state it is ignored.
    /// - Throws: ``RaftError`` when libraft cannot start (bad directory, corrupt log), the
    ///   dialer's error when the Raft port cannot be bound, or a one-line error when the loaded
    ///   libraft is not a release this build was tested with (``checkLibraft()``).
    /// - Parameter recovering: force a configuration with this node as the only voter
    ///   (`raft_recover`, before `raft_start`): disaster recovery after losing a majority for good.
    public func start(bootstrapping: Bool, recovering: Bool = false) async throws {
        try Self.checkLibraft()
        // libuv writes to libraft's sockets with write(2): without this, a peer that hung up
        // (EPIPE) would kill the process with SIGPIPE instead of failing the write.
        cposix_ignore_sigpipe()
        try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        try await bridge.bind(node: self)
        do {
            try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
                LoopThread.spawn(name: "raft-loop") { [self] in
                    runLoop(bootstrapping: bootstrapping, recovering: recovering, started: started)
                }
            }
        } catch {
            // So that a retried start (the watchdog's) can bind the port again.
            await bridge.listenerClosed()
            throw error
        }
    }

    /// Runs `job` on the loop thread. Returns false (and drops the job) once the node stopped.
    @discardableResult
    func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        enqueue(.run(job))
    }

    /// Hands the loop a proposal or a read to batch with the others waiting (RaftNode+Proposals,
    /// RaftNode+Reads). Returns false (and drops the job) once the node stopped.
    func enqueue(_ job: Inbox.Job) -> Bool {
        inbox.withLock { inbox in
            guard inbox.accepting else { return false }
            inbox.jobs.append(job)
            // Under the lock: see the invariant at the top of the type.
            uv_async_send(wakeup)
            return true
        }
    }

    /// Runs `body` on the loop thread and returns its result; throws `RAFT_SHUTDOWN` once stopped.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () throws(RaftError) -> T) async throws(RaftError) -> T {
        let result: Result<T, RaftError> = await withCheckedContinuation { continuation in
            let accepted = enqueue {
                do throws(RaftError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !accepted {
                continuation.resume(returning: .failure(RaftError(code: RAFT_SHUTDOWN, operation: "raft")))
            }
        }
        return try result.get()
    }

    private func drainInbox() {
        let jobs = inbox.withLock { inbox in
            let jobs = inbox.jobs
            inbox.jobs.removeAll(keepingCapacity: true)
            return jobs
        }
        // Proposals and reads are batched, but never past a job queued after them.
        var batch: [Proposal] = []
        var readers: [Reader] = []
        func flush() {
            if !batch.isEmpty {
                append(batch)
                batch.removeAll(keepingCapacity: true)
            }
            if !readers.isEmpty {
                appendBarrier(for: readers)
                readers.removeAll()
            }
        }
        for job in jobs {
            switch job {
            case .propose(let proposal):
                batch.append(proposal)
                if batch.count == Self.maximumBatch {
                    append(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            case .read(let reader):
                readers.append(reader)
            case .run(let body):
                flush()
                body()
            }
        }
        flush()
    }

    private func runLoop(bootstrapping: Bool, recovering: Bool, started: CheckedContinuation<Void, any Error>) {
        uv_loop_init(loop)
        wakeup.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_async_init(loop, wakeup) { handle in
            guard let handle, let data = handle.pointee.data else { return }
            Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue().drainInbox()
        }
        uv_timer_init(loop, quietTimer)
        quietTimer.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_timer_init(loop, snapshotTimer)
        snapshotTimer.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_check_init(loop, afterIO)
        afterIO.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        inbox.withLock { $0.accepting = true }
        do throws(RaftError) {
            try setUpRaft(bootstrapping: bootstrapping, recovering: recovering)
            uv_check_start(afterIO) { handle in
                guard let handle, let data = handle.pointee.data else { return }
                let node = Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue()
                node.narrowElectionWait()
                node.noticeApplied()
                node.failAwaitingAfterStepDown()
            }
            started.resume()
        } catch {
            isClosing = true
            bridge.refuseHandOvers()
            uv_close(UnsafeMutableRawPointer(quietTimer).assumingMemoryBound(to: uv_handle_t.self), nil)
            uv_close(UnsafeMutableRawPointer(snapshotTimer).assumingMemoryBound(to: uv_handle_t.self), nil)
            uv_close(UnsafeMutableRawPointer(afterIO).assumingMemoryBound(to: uv_handle_t.self), nil)
            bridge.closeListener()
            closeWakeup()
            uv_run(loop, UV_RUN_DEFAULT)
            uv_loop_close(loop)
            started.resume(throwing: error)
            return
        }
        uv_run(loop, UV_RUN_DEFAULT)
        uv_loop_close(loop)
        let waiters = stopWaiters.withLock { waiters in
            let current = waiters ?? []
            waiters = nil
            return current
        }
        for waiter in waiters { waiter.resume() }
    }

    private func setUpRaft(bootstrapping: Bool, recovering: Bool) throws(RaftError) {
        let c = configuration
        bridge.install(into: transport, loop: loop)
        var rv = raft_uv_init(io, loop, c.directory, transport)
        guard rv == 0 else {
            throw RaftError(code: rv, operation: "opening raft directory \(c.directory)", detail: ioErrorText)
        }
        raft_uv_set_connect_retry_delay(io, UInt32(c.connectRetryDelay.milliseconds))
        installStateMachine()
        if !io.declareAsyncWork() { fsm.pointee.snapshot_async = nil }
        rv = raft_init(server, io, fsm, c.id, c.address)
        guard rv == 0 else {
            let detail = String(cString: raft_errmsg(server))
            throw RaftError(
                code: rv,
                operation: "raft_init in \(c.directory)",
                detail: detail.isEmpty ? ioErrorText : detail
            )
        }
        server.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        raft_set_election_timeout(server, UInt32(c.electionTimeout.milliseconds))
        raft_set_heartbeat_timeout(server, UInt32(max(c.heartbeatInterval.milliseconds, 10)))
        raft_set_pre_vote(server, true)
        raft_set_snapshot_threshold(server, UInt32(c.snapshotCeiling))
        raft_set_snapshot_trailing(server, UInt32(c.snapshotTrailing))
        if bootstrapping {
            var conf = raft_configuration()
            raft_configuration_init(&conf)
            defer { raft_configuration_close(&conf) }
            rv = raft_configuration_add(&conf, c.id, c.address, RAFT_VOTER)
            guard rv == 0 else { throw RaftError(code: rv, operation: "raft_configuration_add") }
            rv = raft_bootstrap(server, &conf)
            guard rv == 0 || rv == RAFT_CANTBOOTSTRAP else {
                throw RaftError(code: rv, operation: "raft_bootstrap", detail: String(cString: raft_errmsg(server)))
            }
        }
        if recovering {
            var conf = raft_configuration()
            raft_configuration_init(&conf)
            defer { raft_configuration_close(&conf) }
            rv = raft_configuration_add(&conf, c.id, c.address, RAFT_VOTER)
            guard rv == 0 else { throw RaftError(code: rv, operation: "raft_configuration_add") }
            rv = raft_recover(server, &conf)
            guard rv == 0 else {
                throw RaftError(code: rv, operation: "raft_recover", detail: String(cString: raft_errmsg(server)))
            }
        }
        rv = raft_start(server)
        guard rv == 0 else {
            throw RaftError(
                code: rv,
                operation: "raft_start in \(c.directory)",
                detail: String(cString: raft_errmsg(server))
            )
        }
    }

    /// Stops libraft, the transport and the loop thread; returns once the thread has finished
    /// and the Raft port is free again. Safe to call more than once and from any thread.
    public func stop() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let registered = stopWaiters.withLock { waiters -> Bool in
                guard waiters != nil else { return false }
                waiters!.append(done)
                return true
            }
            guard registered else {
                done.resume()
                return
            }
            enqueue { [self] in beginClose() }
        }
        await bridge.listenerClosed()
    }

    private func beginClose() {
        guard !isClosing else { return }
        isClosing = true
        raft_close(server) { server in
            guard let server, let data = server.pointee.data else { return }
            let node = Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue()
            raft_uv_close(node.io)
            node.failAllAwaiting(code: RAFT_SHUTDOWN)
            uv_close(UnsafeMutableRawPointer(node.quietTimer).assumingMemoryBound(to: uv_handle_t.self), nil)
            uv_close(UnsafeMutableRawPointer(node.snapshotTimer).assumingMemoryBound(to: uv_handle_t.self), nil)
            uv_close(UnsafeMutableRawPointer(node.afterIO).assumingMemoryBound(to: uv_handle_t.self), nil)
            node.bridge.closeListener()  // libraft's transport close did it already; idempotent
            node.closeWakeup()
        }
    }

    /// Stops taking jobs and closes `wakeup`; jobs taken before still run (and see
    /// `RAFT_SHUTDOWN`) in its close callback. Loop thread.
    private func closeWakeup() {
        inbox.withLock { $0.accepting = false }
        uv_close(UnsafeMutableRawPointer(wakeup).assumingMemoryBound(to: uv_handle_t.self)) { handle in
            guard let handle, let data = handle.pointee.data else { return }
            Unmanaged<RaftNode>.fromOpaque(data).takeUnretainedValue().drainInbox()
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
