import CRaft
import Foundation
import Glibc
import Synchronization
import TestSupport
import Testing

@testable import MetaKernel

extension RaftBridgeTests {
    /// Holds the loop thread in one job until `count` more jobs wait in its inbox, so that they
    /// all reach the loop in its next wake-up. Returns once the loop is held.
    func holdLoop(of node: RaftNode, until count: Int) async throws {
        let holding = Atomic(false)
        node.enqueue {
            holding.store(true, ordering: .sequentiallyConsistent)
            let deadline = ContinuousClock.now + .seconds(10)
            while node.inbox.withLock({ $0.jobs.count }) < count, ContinuousClock.now < deadline { usleep(1000) }
        }
        _ = try await eventually("the loop to be held", every: .milliseconds(1)) {
            holding.load(ordering: .sequentiallyConsistent) ? true : nil
        }
    }

    /// Proposes a meta node `h<i>` / `t<i>`: its outcome's id says which entry answered it.
    func proposeMetaNode(_ i: Int, on node: RaftNode) async throws(RaftError) -> ApplyOutcome {
        try await node.propose { term in
            LogEntry(term: term, command: .createMetaNode(httpAddress: "h\(i)", tcpAddress: "t\(i)", rand: 1)).encoded()
        }
    }

    /// A one-voter cluster, leading.
    func soloLeader(in dir: String) async throws -> Member {
        let member = makeMember(id: 1, directory: dir)
        try await member.node.start(bootstrapping: true)
        _ = try await eventually("node 1 to lead") { try await member.node.status().role == .leader ? true : nil }
        return member
    }

    @Test("proposals that queue up together go out in one raft_apply, and each gets its own entry's outcome")
    func batchedProposals() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let member = try await soloLeader(in: dir)
        let before = try await member.node.onLoop { member.node.appended }
        let startIndex = try await member.node.status().lastIndex

        // 300 proposals: more than one batch holds (256).
        let count = 300
        try await holdLoop(of: member.node, until: count)
        let outcomes = try await withThrowingTaskGroup(of: (Int, ApplyOutcome).self) { group in
            for i in 0..<count { group.addTask { (i, try await proposeMetaNode(i, on: member.node)) } }
            return try await group.reduce(into: [Int: ApplyOutcome]()) { $0[$1.0] = $1.1 }
        }

        let after = try await member.node.onLoop { member.node.appended }
        #expect(after.proposals - before.proposals == count)
        #expect(
            after.batches - before.batches == 2,
            "300 queued proposals took \(after.batches - before.batches) raft_apply calls"
        )

        // Every proposal got a distinct index after the ones before, and the id its own entry allocated.
        let indices = outcomes.values.map(\.index).sorted()
        #expect(indices == Array(startIndex + 1...startIndex + UInt64(count)))
        let nodes = member.store.current.metaNodes
        for (i, outcome) in outcomes {
            #expect(outcome.error == nil)
            let node = nodes.first { $0.id == outcome.nodeID }
            #expect(
                node?.httpAddress == "h\(i)",
                "proposal \(i) was answered with meta node \(String(describing: node))"
            )
        }

        // A proposal alone still goes out at once, on its own.
        let lone = try await proposeMetaNode(count, on: member.node)
        #expect(lone.index > startIndex + UInt64(count))
        let last = try await member.node.onLoop { member.node.appended }
        #expect(last.batches == after.batches + 1)

        // The ring lookup the answers rely on: the term of held entries, nil outside the log.
        let status = try await member.node.status()
        let terms = try await member.node.onLoop {
            (
                member.node.logTerm(at: status.lastIndex), member.node.logTerm(at: status.lastIndex + 1),
                member.node.logTerm(at: 0)
            )
        }
        #expect(terms.0 == status.term)
        #expect(terms.1 == nil)
        #expect(terms.2 == nil)
        await member.node.stop()
    }

    @Test("reads that queue up together share one barrier, and see the writes queued before them")
    func sharedBarrier() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let member = try await soloLeader(in: dir)
        let before = try await member.node.onLoop { member.node.appended }

        // Five writes, then 50 reads, all reaching the loop in one wake-up: the writes' batch
        // goes out before the reads' barrier, so every read sees all five applied.
        let writes = 5
        let reads = 50
        try await holdLoop(of: member.node, until: writes + reads)
        let (written, seen) = try await withThrowingTaskGroup(of: (write: UInt64?, read: UInt64?).self) { group in
            for i in 0..<writes { group.addTask { (try await proposeMetaNode(i, on: member.node).index, nil) } }
            _ = try await eventually("the writes to be queued", every: .milliseconds(1)) {
                member.node.inbox.withLock { $0.jobs.count } == writes ? true : nil
            }
            for _ in 0..<reads {
                group.addTask {
                    try await member.node.barrier()
                    return (nil, member.store.current.index)
                }
            }
            return try await group.reduce(into: ([UInt64](), [UInt64]())) { results, next in
                if let write = next.write { results.0.append(write) }
                if let read = next.read { results.1.append(read) }
            }
        }
        let after = try await member.node.onLoop { member.node.appended }
        #expect(
            after.barriers - before.barriers == 1,
            "50 queued reads took \(after.barriers - before.barriers) barriers"
        )
        #expect(after.batches - before.batches == 1)
        #expect(written.count == writes)
        #expect(seen.count == reads)
        let lastWrite = try #require(written.max())
        #expect(seen.allSatisfy { $0 >= lastWrite }, "reads saw indices \(Set(seen).sorted()), last write \(lastWrite)")
        await member.node.stop()
    }

    @Test("queued proposals of a leader that loses its quorum fail with RAFT_LEADERSHIPLOST instead of hanging")
    func batchedProposalsLeadershipLost() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let members = try await trio(in: dir, electionTimeout: .milliseconds(500))
        let leader = members[0].node
        _ = try await proposeMetaNode(0, on: leader)
        for member in members.dropFirst() { await member.node.stop() }

        let count = 5
        try await holdLoop(of: leader, until: count)
        let codes = await withTaskGroup(of: Int32?.self) { group in
            for i in 1...count {
                group.addTask {
                    do throws(RaftError) {
                        _ = try await proposeMetaNode(i, on: leader)
                        return nil
                    } catch {
                        return error.code
                    }
                }
            }
            return await group.reduce(into: [Int32?]()) { $0.append($1) }
        }
        #expect(codes == Array(repeating: RAFT_LEADERSHIPLOST, count: count))
        #expect(try await leader.status().role != .leader)

        // Queued reads on a node that no longer leads are all refused with RAFT_NOTLEADER.
        try await holdLoop(of: leader, until: count)
        let readCodes = await withTaskGroup(of: Int32?.self) { group in
            for _ in 1...count {
                group.addTask {
                    do throws(RaftError) {
                        try await leader.barrier()
                        return nil
                    } catch {
                        return error.code
                    }
                }
            }
            return await group.reduce(into: [Int32?]()) { $0.append($1) }
        }
        #expect(readCodes == Array(repeating: RAFT_NOTLEADER, count: count))

        // A waiter left behind on a node that no longer leads is failed after the loop's next
        // I/O, not kept until an entry at its index is applied.
        let orphan: Result<ApplyOutcome, RaftError> = await withCheckedContinuation { continuation in
            leader.enqueue {
                leader.awaitingApply[1_000_000] = RaftNode.AwaitedEntry(term: 1, continuation: continuation)
            }
        }
        #expect(throws: RaftError.self) { try orphan.get() }
        #expect(try await leader.onLoop { leader.awaitingApply.isEmpty })
        await leader.stop()
    }
}
