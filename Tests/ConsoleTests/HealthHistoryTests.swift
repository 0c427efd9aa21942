import Console
import Foundation
import Testing

@Suite("HealthHistory")
struct HealthHistoryTests {
    @Test("60 minute buckets, oldest first, each the worst sample of its minute, unknown where none")
    func worstPerMinute() {
        let now = Date(timeIntervalSince1970: 1_800_000_030)  // 30 s into a minute
        let minute = Date(timeIntervalSince1970: 1_800_000_000)
        let samples = [
            HealthSample(time: minute - 3600, health: .down),  // older than the hour: ignored
            HealthSample(time: minute - 120, health: .healthy),
            HealthSample(time: minute - 60 + 1, health: .healthy),
            HealthSample(time: minute - 60 + 2, health: .down),
            HealthSample(time: minute - 60 + 3, health: .degraded),
            HealthSample(time: minute + 10, health: .degraded),
            HealthSample(time: minute + 20, health: .healthy),
        ]
        let buckets = HealthHistory.buckets(samples, now: now)
        #expect(buckets.count == 60)
        #expect(buckets.last?.start == minute)
        #expect(buckets.first?.start == minute - 59 * 60)
        #expect(buckets.suffix(3).map(\.health) == [.healthy, .down, .degraded])
        #expect(buckets.dropLast(3).allSatisfy { $0.health == .unknown })
    }
}
