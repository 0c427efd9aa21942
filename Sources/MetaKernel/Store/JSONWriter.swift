/// Appends JSON text to a byte array without `Codable`: the bytes `JSONEncoder` gives for the
/// same values, written in the order the caller asks for (callers write keys sorted, as
/// `JSONEncoder` with `.sortedKeys` does).
struct JSONWriter {
    /// What has been written so far.
    var out: [UInt8]
    /// Write `/` as `\/`, as `JSONEncoder` does unless `.withoutEscapingSlashes` is set.
    let escapingSlashes: Bool

    /// A writer that appends to `out`.
    init(out: [UInt8] = [], escapingSlashes: Bool) {
        self.out = out
        self.escapingSlashes = escapingSlashes
    }

    /// One byte of JSON syntax.
    mutating func byte(_ byte: UInt8) {
        out.append(byte)
    }

    /// JSON syntax or keys, as they are.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// An unsigned integer in decimal.
    mutating func number(_ value: UInt64) {
        if value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        out.append(contentsOf: String(value).utf8)
    }

    /// A signed integer in decimal.
    mutating func number(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        number(value.magnitude)
    }

    /// A signed integer in decimal.
    mutating func number(_ value: Int) {
        number(Int64(value))
    }

    /// `true` or `false`.
    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// A JSON string: `"` and `\` escaped, control characters as short escapes or `\u00XX`,
    /// everything else as its UTF-8 bytes.
    mutating func string(_ text: String) {
        byte(UInt8(ascii: "\""))
        for unit in text.utf8 {
            switch unit {
            case UInt8(ascii: "\""): raw(#"\""#)
            case UInt8(ascii: "\\"): raw(#"\\"#)
            case UInt8(ascii: "/") where escapingSlashes: raw(#"\/"#)
            case 0x08: raw(#"\b"#)
            case 0x0C: raw(#"\f"#)
            case 0x0A: raw(#"\n"#)
            case 0x0D: raw(#"\r"#)
            case 0x09: raw(#"\t"#)
            case 0x00..<0x20:
                raw(#"\u00"#)
                byte(Self.hexDigit(unit >> 4))
                byte(Self.hexDigit(unit & 0x0F))
            default: byte(unit)
            }
        }
        byte(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
