import FoundationEssentials

/// A time span written in Go's `time.Duration` syntax, as used by every duration key of `influxdb-meta.conf`.
///
/// Parsing follows Go's `time.ParseDuration` (`"1m0s"`, `"500ms"`, `"1h30m"`, `"1.5s"`, `"300us"`, `"0"`), plus the
/// `d` (24 h) and `w` (7 d) units that the InfluxData documentation claims. Negative durations are rejected.
/// ``description`` renders exactly like Go's `time.Duration.String()`, so `"5d"` prints as `"120h0m0s"`.
public struct GoDuration: Sendable, Hashable, CustomStringConvertible {
    /// The wrapped duration.
    public var duration: Duration

    /// Wraps a duration.
    /// - Parameter d: The duration. Only whole nanoseconds are shown by ``description``.
    public init(_ d: Duration) {
        self.duration = d
    }

    /// Parses Go duration syntax such as `"1m0s"`, `"500ms"` or `"1h30m500ms"`.
    ///
    /// - Parameter text: A sequence of decimal numbers, each with an optional fraction and a unit suffix:
    ///   `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`, `d` or `w`. A bare `"0"` is also accepted.
    /// - Throws: ``ConfigError`` with a message such as
    ///   `invalid duration "ten" (use Go syntax such as "1s" or "500ms")` for empty, malformed, negative or
    ///   overflowing (more than about 292 years) input.
    public init(parsing text: String) throws(ConfigError) {
        guard let nanoseconds = Self.parseNanoseconds(Array(text.utf8)) else {
            throw ConfigError.invalidValue(Self.invalidMessage(text))
        }
        self.duration = .nanoseconds(nanoseconds)
    }

    /// The duration in Go's `time.Duration.String()` format: `"0s"`, `"500ms"`, `"1.5s"`, `"1m0s"`, `"1h0m0s"`.
    public var description: String {
        let (negative, magnitude) = Self.nanosecondMagnitude(of: duration)
        let text = Self.format(magnitude)
        return negative ? "-" + text : text
    }

    /// The message used when text is not a valid duration.
    static func invalidMessage(_ text: String) -> String {
        "invalid duration \(ConfigText.quoted(text)) (use Go syntax such as \"1s\" or \"500ms\")"
    }
}

// MARK: - Parsing

extension GoDuration {
    /// Nanoseconds per unit, keyed by the unit's UTF-8 spelling.
    private static let units: [[UInt8]: UInt64] = [
        Array("ns".utf8): 1,
        Array("us".utf8): 1_000,
        Array("\u{00B5}s".utf8): 1_000,  // micro sign, as Go prints it
        Array("\u{03BC}s".utf8): 1_000,  // Greek small letter mu
        Array("ms".utf8): 1_000_000,
        Array("s".utf8): 1_000_000_000,
        Array("m".utf8): 60 * 1_000_000_000,
        Array("h".utf8): 3_600 * 1_000_000_000,
        Array("d".utf8): 86_400 * 1_000_000_000,
        Array("w".utf8): 604_800 * 1_000_000_000,
    ]

    /// Go's `time.ParseDuration` algorithm over UTF-8 bytes, without negative values; `nil` when invalid.
    private static func parseNanoseconds(_ bytes: [UInt8]) -> Int64? {
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") {
            index += 1
        }
        if bytes.count - index == 1, bytes[index] == UInt8(ascii: "0") {
            return 0
        }
        guard index < bytes.count else { return nil }

        let limit = UInt64(Int64.max)
        var total: UInt64 = 0
        while index < bytes.count {
            // [0-9]*
            let integerStart = index
            var whole: UInt64 = 0
            while index < bytes.count, let digit = decimalDigit(bytes[index]) {
                let (times10, overflow1) = whole.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(digit)
                guard !overflow1, !overflow2, sum <= limit else { return nil }
                whole = sum
                index += 1
            }
            let hasInteger = index > integerStart

            // (\.[0-9]*)?
            var fraction: UInt64 = 0
            var scale = 1.0
            var hasFraction = false
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                var overflowed = false
                while index < bytes.count, let digit = decimalDigit(bytes[index]) {
                    if !overflowed {
                        let (times10, overflow) = fraction.multipliedReportingOverflow(by: 10)
                        if overflow || times10 > limit - digit {
                            overflowed = true  // Go ignores digits past int64 precision
                        } else {
                            fraction = times10 + digit
                            scale *= 10
                        }
                    }
                    index += 1
                }
                hasFraction = index > fractionStart
            }
            guard hasInteger || hasFraction else { return nil }

            // Unit: everything up to the next digit or period.
            let unitStart = index
            while index < bytes.count, decimalDigit(bytes[index]) == nil, bytes[index] != UInt8(ascii: ".") {
                index += 1
            }
            guard index > unitStart, let unit = units[Array(bytes[unitStart..<index])] else { return nil }

            guard whole <= limit / unit else { return nil }
            var value = whole * unit
            if fraction > 0 {
                let extra = Double(fraction) * (Double(unit) / scale)
                guard extra < Double(limit) else { return nil }
                let (sum, overflow) = value.addingReportingOverflow(UInt64(extra))
                guard !overflow, sum <= limit else { return nil }
                value = sum
            }
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow, sum <= limit else { return nil }
            total = sum
        }
        return Int64(total)
    }

    private static func decimalDigit(_ byte: UInt8) -> UInt64? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? UInt64(byte - UInt8(ascii: "0")) : nil
    }
}

// MARK: - Formatting

extension GoDuration {
    /// The sign and whole-nanosecond magnitude of `duration`, saturating at Go's `int64` range.
    private static func nanosecondMagnitude(of duration: Duration) -> (negative: Bool, magnitude: UInt64) {
        let (seconds, attoseconds) = duration.components
        let negative = seconds < 0 || (seconds == 0 && attoseconds < 0)
        let wholeSeconds = seconds.magnitude
        let subsecond = attoseconds.magnitude / 1_000_000_000
        let (scaled, overflow1) = wholeSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = scaled.addingReportingOverflow(subsecond)
        let cap = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        return (negative, overflow1 || overflow2 ? cap : min(sum, cap))
    }

    /// Go's `Duration.format` for a non-negative magnitude in nanoseconds.
    private static func format(_ nanoseconds: UInt64) -> String {
        if nanoseconds == 0 {
            return "0s"
        }
        if nanoseconds < 1_000_000_000 {
            // Below one second Go uses the largest sub-second unit, with a fraction: "1.5ms".
            let (unit, precision): (String, Int) =
                switch nanoseconds {
                case ..<1_000: ("ns", 0)
                case ..<1_000_000: ("\u{00B5}s", 3)
                default: ("ms", 6)
                }
            let (integer, fraction) = splitFraction(nanoseconds, precision: precision)
            return "\(integer)\(fraction)\(unit)"
        }
        let (totalSeconds, fraction) = splitFraction(nanoseconds, precision: 9)
        var text = "\(totalSeconds % 60)\(fraction)s"
        let totalMinutes = totalSeconds / 60
        if totalMinutes > 0 {
            text = "\(totalMinutes % 60)m" + text
            let hours = totalMinutes / 60
            if hours > 0 {
                text = "\(hours)h" + text
            }
        }
        return text
    }

    /// Splits `value / 10^precision` into its integer part and a fraction such as `".25"` without trailing zeros
    /// (empty when the fraction is zero), like Go's `fmtFrac`.
    private static func splitFraction(_ value: UInt64, precision: Int) -> (integer: UInt64, fraction: String) {
        var remaining = value
        var digits: [Character] = []
        var significant = false
        for _ in 0..<precision {
            let digit = remaining % 10
            significant = significant || digit != 0
            if significant {
                digits.append(Character(String(digit)))
            }
            remaining /= 10
        }
        return (remaining, digits.isEmpty ? "" : "." + String(digits.reversed()))
    }
}
