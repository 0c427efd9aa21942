import CRaft

// Every field of a libraft structure that libraft fills for its own use, and that this code
// reads or writes, is reached through this file. Each was read from libraft 0.15.0's
// include/raft.h (Debian 12's libraft-dev 0.15.0-1, the same file as canonical/raft at tag
// v0.15.0), and `RaftNode.start` refuses any other libraft first (LibraftVersion.swift).
//
// Not internals, so used where they belong: the fields libraft documents as the caller's own
// (`data` in `struct raft`, in requests and in libuv handles; the `raft_fsm` and
// `raft_uv_transport` vtables this code fills) and every `raft_*` function.

extension RaftNode {
    /// How long this follower waits, in milliseconds after ``electionTimerStart``, before it
    /// stands for election; libraft draws it anew at each timer reset and reads it on each tick.
    /// libraft 0.15.0 raft.h: `struct raft`, `follower_state.randomized_election_timeout`
    /// (`unsigned`, in the union of per-role state; only meaningful while `raft_state` is
    /// `RAFT_FOLLOWER`). Loop thread only.
    var followerElectionWait: UInt32 {
        get { server.pointee.follower_state.randomized_election_timeout }
        set { server.pointee.follower_state.randomized_election_timeout = newValue }
    }

    /// When the election timer last started, in libuv milliseconds (``ioTime``).
    /// libraft 0.15.0 raft.h: `struct raft`, `election_timer_start` (`raft_time`). Loop thread only.
    var electionTimerStart: UInt64 { server.pointee.election_timer_start }

    /// The latest term this server has seen.
    /// libraft 0.15.0 raft.h: `struct raft`, `current_term` (`raft_term`). Loop thread only.
    var currentTerm: UInt64 { server.pointee.current_term }

    /// The highest index known to be committed.
    /// libraft 0.15.0 raft.h: `struct raft`, `commit_index` (`raft_index`). Loop thread only.
    var commitIndex: UInt64 { server.pointee.commit_index }

    /// The last index covered by this node's newest snapshot, 0 without one.
    /// libraft 0.15.0 raft.h: `struct raft`, `log` (`struct raft_log`), `snapshot.last_index`.
    /// Loop thread only.
    var snapshotLastIndex: UInt64 { server.pointee.log.snapshot.last_index }

    /// On the leader, how many other servers a message came from within the last election
    /// timeout. libraft 0.15.0 raft.h: `struct raft`, `leader_state.progress` (one
    /// `struct raft_progress` per configuration server, same order; `recent_recv`). Only
    /// meaningful while `raft_state` is `RAFT_LEADER`. Loop thread only.
    var peersRecentlyHeardFrom: Int {
        let configuration = server.pointee.configuration
        guard let progress = server.pointee.leader_state.progress else { return 0 }
        let ownID = self.configuration.id
        return (0..<Int(configuration.n)).count { i in
            configuration.servers[i].id != ownID && progress[i].recent_recv
        }
    }

    /// The servers of the configuration libraft currently uses.
    /// libraft 0.15.0 raft.h: `struct raft`, `configuration` (`struct raft_configuration`:
    /// `servers`, `n`; each `struct raft_server` has `id`, `address`, `role`). Loop thread only.
    var configurationServers: [RaftStatus.Server] {
        let configuration = server.pointee.configuration
        return (0..<Int(configuration.n)).map { i in
            let s = configuration.servers[i]
            return RaftStatus.Server(id: s.id, address: String(cString: s.address), isVoter: s.role == RAFT_VOTER)
        }
    }

    /// The term of the entry at `index` in libraft's in-memory log, or `nil` when the log no
    /// longer (or not yet) holds it; the state machine only ever applies entries it holds.
    /// libraft 0.15.0 raft.h: `struct raft`, `log` (`struct raft_log`): a ring of `size` slots
    /// at `entries`, used slots `[front, back)`, holding the entries `offset + 1 …`; each
    /// `struct raft_entry` has `term`. Loop thread only.
    func logTerm(at index: UInt64) -> UInt64? {
        let log = server.pointee.log
        guard log.size > 0, let entries = log.entries else { return nil }
        let count = log.back >= log.front ? log.back - log.front : log.size - log.front + log.back
        guard index > log.offset, index - log.offset <= UInt64(count) else { return nil }
        let position = (log.front + Int(index - log.offset - 1)) % log.size
        return entries[position].term
    }

    /// libraft's clock (libuv's loop time, in milliseconds), or `nil` before `raft_uv_init`.
    /// libraft 0.15.0 raft.h: `struct raft_io`, `time` (a function filled by `raft_uv_init`).
    /// Loop thread only.
    var ioTime: UInt64? { io.pointee.time?(io) }

    /// The I/O layer's message for its last failure (`raft_uv_init`, `raft_init`).
    /// libraft 0.15.0 raft.h: `struct raft_io`, `errmsg` (`char[RAFT_ERRMSG_BUF_SIZE]`,
    /// NUL-terminated). Loop thread only.
    var ioErrorText: String {
        withUnsafeBytes(of: io.pointee.errmsg) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

extension UnsafeMutablePointer where Pointee == raft_apply {
    /// The index libraft gave the request's first entry.
    /// libraft 0.15.0 raft.h: `struct raft_apply`, `index` (`raft_index`, one of the fields
    /// `RAFT__REQUEST` declares for every request; `data` beside it is the caller's).
    var firstIndex: UInt64 { pointee.index }
}

extension LibraftVersion {
    /// Whether `raft_uv_init` fills `raft_io.async_work`, which libraft 0.15.0 added (0.14.0's
    /// `raft_uv_init` leaves it zero). Runs `raft_uv_init` on throwaway structures: it only
    /// stores its arguments and reads no file; `raft_uv_close` frees what it allocated.
    /// libraft 0.15.0 raft.h: `struct raft_io`, `async_work` ("Field(s) below added since
    /// version 2").
    static func uvInitFillsAsyncWork() -> Bool {
        let io = UnsafeMutablePointer<raft_io>.allocate(capacity: 1)
        let loop = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
        let transport = UnsafeMutablePointer<raft_uv_transport>.allocate(capacity: 1)
        io.initialize(to: raft_io())
        loop.initialize(to: uv_loop_t())
        transport.initialize(to: raft_uv_transport())
        defer {
            io.deallocate()
            loop.deallocate()
            transport.deallocate()
        }
        guard raft_uv_init(io, loop, "/", transport) == 0 else { return false }
        defer { raft_uv_close(io) }
        return io.pointee.async_work != nil
    }
}

extension UnsafeMutablePointer where Pointee == raft_io {
    /// Declares the uv I/O's `async_work` so that `raft_init` accepts an FSM with asynchronous
    /// snapshots; `false` when the I/O has none (the FSM must then snapshot synchronously).
    /// libraft 0.15.0 uv.c: `raft_uv_init` fills `async_work` (a version-2 field, raft.h) but
    /// sets `version = 1`, and raft.c's `ioFsmCompat` refuses `snapshot_async` unless
    /// `io->version > 1`; upstream set 2 in 0.17.1 (commit 269e541, "uv: set io version to 2").
    func declareAsyncWork() -> Bool {
        guard pointee.async_work != nil else { return false }
        if pointee.version < 2 { pointee.version = 2 }
        return true
    }
}
