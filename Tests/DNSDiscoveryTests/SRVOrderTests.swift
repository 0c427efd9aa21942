import Testing

@testable import DNSDiscovery

@Suite("RFC 2782 ordering of SRV records")
struct SRVOrderTests {
    /// SplitMix64: a seeded generator, so a draw can be repeated.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func record(_ name: String, priority: UInt16, weight: UInt16) -> DNSRecord {
        DNSRecord(text: name, ttl: 60, priority: priority, weight: weight, port: 8091)
    }

    @Test("every record of a lower priority comes before any of a higher one")
    func priorities() {
        var generator = Seeded(state: 1)
        let records = [
            record("c", priority: 30, weight: 5), record("a", priority: 10, weight: 5),
            record("b", priority: 20, weight: 5), record("a2", priority: 10, weight: 5),
        ]
        for _ in 0..<100 {
            let order = SRVOrder.ordered(records, using: &generator).map(\.text)
            #expect(Set(order.prefix(2)) == ["a", "a2"])
            #expect(Array(order.suffix(2)) == ["b", "c"])
        }
    }

    @Test("within a priority, a record comes first in proportion to its weight")
    func weights() {
        var generator = Seeded(state: 42)
        let records = [record("light", priority: 1, weight: 10), record("heavy", priority: 1, weight: 90)]
        var heavyFirst = 0
        for _ in 0..<2000 where SRVOrder.ordered(records, using: &generator).first?.text == "heavy" {
            heavyFirst += 1
        }
        #expect((1700...1900).contains(heavyFirst), "heavy first \(heavyFirst) of 2000 times")
    }

    @Test("a zero-weight record is almost never first beside a weighted one")
    func zeroWeight() {
        var generator = Seeded(state: 7)
        let records = [record("zero", priority: 1, weight: 0), record("some", priority: 1, weight: 100)]
        var zeroFirst = 0
        for _ in 0..<1000 where SRVOrder.ordered(records, using: &generator).first?.text == "zero" {
            zeroFirst += 1
        }
        #expect(zeroFirst < 30)
    }
}
