public import FoundationEssentials

/// Folds health samples into the per-minute buckets the pages show.
public enum HealthHistory {
    /// How many minutes the history covers.
    public static let minutes = 60

    /// The ``minutes`` one-minute buckets ending with the minute of `now`, oldest first: each the
    /// worst health sampled in it (`down` over `degraded` over `healthy`), `unknown` when none.
    public static func buckets(_ samples: [HealthSample], now: Date) -> [ClusterView.HealthBucket] {
        let current = (now.timeIntervalSince1970 / 60).rounded(.down) * 60
        let first = current - Double(minutes - 1) * 60
        var worst = [ClusterView.Health](repeating: .unknown, count: minutes)
        for sample in samples {
            let offset = Int(((sample.time.timeIntervalSince1970 - first) / 60).rounded(.down))
            guard worst.indices.contains(offset) else { continue }
            if severity(sample.health) > severity(worst[offset]) { worst[offset] = sample.health }
        }
        return worst.enumerated().map { index, health in
            ClusterView.HealthBucket(start: Date(timeIntervalSince1970: first + Double(index) * 60), health: health)
        }
    }

    /// The earliest sample time the buckets for `now` use.
    public static func start(now: Date) -> Date {
        let current = (now.timeIntervalSince1970 / 60).rounded(.down) * 60
        return Date(timeIntervalSince1970: current - Double(minutes - 1) * 60)
    }

    private static func severity(_ health: ClusterView.Health) -> Int {
        switch health {
        case .unknown: 0
        case .healthy: 1
        case .degraded: 2
        case .down: 3
        }
    }
}
