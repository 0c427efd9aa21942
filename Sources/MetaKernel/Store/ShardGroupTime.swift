/// Time arithmetic of shard groups, as InfluxDB 1.x's `CreateShardGroup` does it in Go.
enum ShardGroupTime {
    /// The latest time InfluxDB stores (`models.MaxNanoTime`); a group never ends after it + 1.
    static let maxNanoTime = Int64.max - 1

    /// Seconds from Go's zero time (0001-01-01T00:00:00Z) to the Unix epoch.
    static let goZeroToUnixSeconds: UInt64 = 62_135_596_800

    /// `timestamp` rounded down to a multiple of `duration` counted from 0001-01-01, as Go's
    /// `Time.Truncate` does (so 7-day groups start on Mondays, as in InfluxDB); `nil` when the
    /// start would fall before the earliest `Int64` time.
    static func start(of timestamp: Int64, duration: Int64) -> Int64? {
        guard duration > 0 else { return timestamp }
        let modulus = UInt64(duration)
        // (timestamp + zero offset) mod duration, where the offset in nanoseconds exceeds Int64.
        let offset = multiplyModulo(goZeroToUnixSeconds % modulus, 1_000_000_000 % modulus, modulus)
        var own = timestamp % duration
        if own < 0 { own += duration }
        let remainder = (UInt64(own) + offset) % modulus
        let (start, overflow) = timestamp.subtractingReportingOverflow(Int64(remainder))
        return overflow ? nil : start
    }

    /// `start + duration`, but never past `maxNanoTime + 1` (groups are `[start, end)`).
    static func end(start: Int64, duration: Int64) -> Int64 {
        let (end, overflow) = start.addingReportingOverflow(duration)
        return overflow || end > maxNanoTime ? maxNanoTime + 1 : end
    }

    /// `a * b mod m` for `a, b < m`, without overflow.
    private static func multiplyModulo(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        m.dividingFullWidth(a.multipliedFullWidth(by: b)).remainder
    }
}
