import Testing

@testable import MetaKernel

@Suite("Lease rules")
struct LeaseRulesTests {
    @Test("a free lease is granted until now + duration with the entry's index as its token")
    func grant() {
        var log = ModelLog()
        log.index = 40
        let outcome = log.apply(.acquireLease(name: "cq", nodeID: 4, now: 1000, duration: 10))
        #expect(outcome.error == nil)
        #expect(outcome.lease == LeaseInfo(name: "cq", owner: 4, expiration: 1010, token: 41))
        #expect(log.data.lease(named: "cq") == outcome.lease)
        #expect(log.data.leaseClock == 1000)
    }

    @Test("the holder renews and keeps its token; another node is refused with the holder's lease")
    func renewAndConflict() {
        var log = ModelLog()
        log.apply(.acquireLease(name: "cq", nodeID: 4, now: 1000, duration: 10))
        let renewed = log.apply(.acquireLease(name: "cq", nodeID: 4, now: 1005, duration: 10))
        #expect(renewed.lease == LeaseInfo(name: "cq", owner: 4, expiration: 1015, token: 1))
        let refused = log.apply(.acquireLease(name: "cq", nodeID: 5, now: 1014, duration: 10))
        #expect(refused.error == "another node has the lease")
        #expect(refused.lease == LeaseInfo(name: "cq", owner: 4, expiration: 1015, token: 1))
        #expect(log.data.lease(named: "cq")?.owner == 4)
    }

    @Test("a lapsed lease goes to the next node with a bigger token")
    func lapse() {
        var log = ModelLog()
        log.apply(.acquireLease(name: "cq", nodeID: 4, now: 1000, duration: 10))
        let taken = log.apply(.acquireLease(name: "cq", nodeID: 5, now: 1010, duration: 10))
        #expect(taken.lease == LeaseInfo(name: "cq", owner: 5, expiration: 1020, token: 2))
        let back = log.apply(.acquireLease(name: "cq", nodeID: 4, now: 1020, duration: 10))
        #expect(back.lease?.token == 3)
    }

    @Test("a leader whose clock is behind neither shortens a lease nor grants it early")
    func slowClock() {
        var log = ModelLog()
        log.apply(.acquireLease(name: "cq", nodeID: 4, now: 1000, duration: 10))
        // The new leader's clock reads 900: the renewal still runs from 1000.
        let renewed = log.apply(.acquireLease(name: "cq", nodeID: 4, now: 900, duration: 10))
        #expect(renewed.lease?.expiration == 1010)
        #expect(log.apply(.acquireLease(name: "cq", nodeID: 5, now: 1005, duration: 10)).error != nil)
        #expect(log.data.leaseClock == 1005)
    }

    @Test("release frees the lease only for its holder; the next grant takes a new token")
    func release() {
        var log = ModelLog()
        log.apply(.acquireLease(name: "cq", nodeID: 4, now: 1000, duration: 10))
        log.apply(.releaseLease(name: "cq", nodeID: 5))
        #expect(log.data.lease(named: "cq")?.owner == 4)
        log.apply(.releaseLease(name: "cq", nodeID: 4))
        #expect(log.data.lease(named: "cq") == nil)
        let next = log.apply(.acquireLease(name: "cq", nodeID: 5, now: 1001, duration: 10))
        #expect(next.lease?.token == 4)
    }

    @Test("bad arguments are refused", arguments: [("", UInt64(1), Int64(10)), ("cq", 0, 10), ("cq", 1, 0)])
    func invalid(name: String, nodeID: UInt64, duration: Int64) {
        var log = ModelLog()
        #expect(log.apply(.acquireLease(name: name, nodeID: nodeID, now: 1, duration: duration)).error != nil)
        #expect(log.data.leases.isEmpty)
    }

    @Test("leases are kept in name order")
    func order() {
        var log = ModelLog()
        for name in ["b", "a", "c"] { log.apply(.acquireLease(name: name, nodeID: 1, now: 1, duration: 10)) }
        #expect(log.data.leases.map(\.name) == ["a", "b", "c"])
    }

    @Test("under random contention holdings never overlap and tokens only grow")
    func randomContention() {
        var generator = SystemRandomNumberGenerator()
        var log = ModelLog()
        var lastToken: UInt64 = 0
        var holder: (owner: UInt64, until: Int64)?
        var now: Int64 = 1000
        for _ in 0..<2000 {
            // Leaders' clocks disagree by up to 5 either way.
            now += Int64.random(in: 0...3, using: &generator)
            let stamped = now + Int64.random(in: -5...5, using: &generator)
            let node = UInt64.random(in: 1...3, using: &generator)
            let outcome = log.apply(.acquireLease(name: "cq", nodeID: node, now: stamped, duration: 10))
            guard let lease = outcome.lease, outcome.error == nil else { continue }
            if let previous = holder, previous.owner != node {
                #expect(previous.until <= log.data.leaseClock, "granted before the previous holding ended")
                #expect(lease.token > lastToken)
            }
            if let previous = holder, previous.owner == node {
                #expect(lease.expiration >= previous.until, "a renewal shortened the holding")
            }
            #expect(lease.token >= lastToken)
            lastToken = lease.token
            holder = (node, lease.expiration)
        }
    }
}
