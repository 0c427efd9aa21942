import Foundation
import Testing

@testable import MetaKernel

@Suite("bootstrap-expect: the step a fresh node takes")
struct BootstrapPlanTests {
    func fresh(_ address: String, _ expect: Int? = 3) -> PeerView {
        PeerView(httpAddress: address, clusterID: nil, bootstrapExpect: expect)
    }

    @Test("too few agreeing fresh nodes: wait, naming what is visible")
    func waits() {
        let step = BootstrapStep.decide(selfAddress: "meta2:8091", expect: 3, peers: [fresh("meta1:8091")])
        #expect(step == .wait("waiting for 3 meta nodes, 2 visible: meta1:8091, meta2:8091"))
    }

    @Test("nodes with another bootstrap-expect are not counted, and are named")
    func disagreeing() {
        let step = BootstrapStep.decide(
            selfAddress: "meta1:8091",
            expect: 3,
            peers: [fresh("meta2:8091"), fresh("meta3:8091", 5)]
        )
        #expect(
            step
                == .wait(
                    "waiting for 3 meta nodes, 2 visible: meta1:8091, meta2:8091; not counting fresh nodes with another bootstrap-expect: meta3:8091 (5) (set the same value on every meta node)"
                )
        )
    }

    @Test("the lowest address stands, whatever the order peers answered in; the others wait for it")
    func lowestStands() {
        let peers = [fresh("meta3:8091"), fresh("META1:8091"), fresh("meta2:8091")]
        for address in ["meta1:8091", "meta2:8091", "meta3:8091"] {
            let others = peers.filter { $0.httpAddress.lowercased() != address }
            let step = BootstrapStep.decide(selfAddress: address, expect: 3, peers: others.shuffled())
            if address == "meta1:8091" {
                #expect(step == .bootstrap(voters: ["meta2:8091", "meta3:8091"]))
            } else {
                #expect(step == .wait("waiting for META1:8091 to bootstrap the cluster (3 meta nodes visible)"))
            }
        }
    }

    @Test("itself and duplicates among the peers are counted once")
    func duplicates() {
        let step = BootstrapStep.decide(
            selfAddress: "meta1:8091",
            expect: 3,
            peers: [fresh("meta1:8091"), fresh("meta2:8091"), fresh("meta2:8091")]
        )
        #expect(step == .wait("waiting for 3 meta nodes, 2 visible: meta1:8091, meta2:8091"))
    }

    @Test("one cluster visible: join it through a member that knows a leader first")
    func joins() {
        let step = BootstrapStep.decide(
            selfAddress: "meta0:8091",
            expect: 3,
            peers: [
                PeerView(httpAddress: "meta1:8091", clusterID: 7),
                PeerView(httpAddress: "meta2:8091", clusterID: 7, leader: "meta2:8089"),
                fresh("meta3:8091"),
            ]
        )
        #expect(step == .join(clusterID: 7, through: ["meta2:8091", "meta1:8091"]))
    }

    @Test("two clusters visible: refuse, naming both with their members")
    func refuses() {
        let step = BootstrapStep.decide(
            selfAddress: "meta0:8091",
            expect: 3,
            peers: [
                PeerView(httpAddress: "meta3:8091", clusterID: 9, leader: "meta3:8089"),
                PeerView(httpAddress: "meta1:8091", clusterID: 7, leader: "meta1:8089"),
                PeerView(httpAddress: "meta2:8091", clusterID: 7),
            ]
        )
        #expect(
            step
                == .refuse(
                    "found 2 clusters among the discovered peers: cluster 7 (meta1:8091, meta2:8091) and cluster 9 (meta3:8091); not joining any: remove the nodes of all but one from discovery, or add this node by hand with influxd-ctl join"
                )
        )
    }
}

@Suite("bootstrap-expect: one vote at a time")
struct BootstrapBallotTests {
    @Test("a vote goes to one candidate until it expires or is released, and survives a restart")
    func oneVote() throws {
        let dir = NSTemporaryDirectory() + "ballot-\(UInt64.random(in: 1...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = Date()
        let ballot = BootstrapBallot(directory: dir)
        try ballot.grant(to: "meta1:8091", lease: .seconds(10), now: start)
        try ballot.grant(to: "META1:8091", lease: .seconds(10), now: start)
        #expect(throws: MetaNodeError.self) { try ballot.grant(to: "meta2:8091", lease: .seconds(10), now: start) }
        // A restarted node reads the vote it gave.
        let restarted = BootstrapBallot(directory: dir)
        #expect(throws: MetaNodeError.self) { try restarted.grant(to: "meta2:8091", lease: .seconds(10), now: start) }
        do {
            try restarted.grant(to: "meta2:8091", lease: .seconds(10), now: start)
        } catch {
            #expect(error.message == "voted for META1:8091 to bootstrap the cluster (for 10 s more)")
        }
        // Expired, it can go to another.
        try restarted.grant(to: "meta2:8091", lease: .seconds(10), now: start.addingTimeInterval(11))
        // Released by another candidate: nothing changes; by its holder: free.
        restarted.release(from: "meta1:8091")
        #expect(throws: MetaNodeError.self) {
            try restarted.grant(to: "meta3:8091", lease: .seconds(10), now: start.addingTimeInterval(12))
        }
        restarted.release(from: "meta2:8091")
        try restarted.grant(to: "meta3:8091", lease: .seconds(10), now: start.addingTimeInterval(12))
        restarted.clear()
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + BootstrapBallot.fileName))
    }
}
