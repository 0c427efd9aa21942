/// The `Request-Id` the API puts on every response: a random (version 4) UUID in lower case,
/// as InfluxDB sends it.
///
/// Built from the system generator (`getrandom`) directly: Foundation's `UUID()` opens and reads
/// `/dev/urandom` for each one, which cost about 5% of a busy node's HTTP threads.
enum RequestIdentifier {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A fresh identifier, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(high: generator.next(), low: generator.next())
    }

    /// The identifier for 128 random bits (hex digits 0–15 from `high`, 16–31 from `low`), with
    /// the version (digit 12) and variant (digit 16) set.
    static func make(high: UInt64, low: UInt64) -> String {
        let words = [(high & ~0xF000) | 0x4000, (low & ~(0xC << 60)) | (0x8 << 60)]
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for word in words {
                for digit in 0..<16 {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = hexDigits[Int(truncatingIfNeeded: word >> UInt64(60 - 4 * digit)) & 0xF]
                    position += 1
                }
            }
            return position
        }
    }
}
