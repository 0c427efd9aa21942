/// A value in the small JSON objects commands and log entries are: strings, unsigned integers
/// and objects of those.
enum FlatJSONValue: Equatable, Sendable {
    case string(String)
    case number(UInt64)
    case object([String: FlatJSONValue])
}

/// Reads the JSON objects on the write path (`POST /execute` bodies and log entries) without
/// `Codable`, several times faster than `JSONDecoder`.
///
/// It accepts only what it reads exactly as `JSONDecoder` does: objects (nested at most
/// `maximumDepth` deep) of strings and unsigned integers, without duplicate keys. For anything
/// else (other value types, a fraction or exponent, invalid UTF-8, a lone surrogate, a syntax
/// error) it answers `nil`, and the caller decodes with `JSONDecoder`, which either reads it
/// or throws the error the operator sees.
struct FlatJSONReader {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The object that is the whole of `bytes` (whitespace around it allowed), or `nil`.
    static func object(in bytes: UnsafeRawBufferPointer, maximumDepth: Int = 2) -> [String: FlatJSONValue]? {
        var reader = FlatJSONReader(bytes: bytes)
        guard let object = reader.object(depth: maximumDepth) else { return nil }
        reader.skipWhitespace()
        return reader.position == bytes.count ? object : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Skips whitespace, then `byte` if it is next.
    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func object(depth: Int) -> [String: FlatJSONValue]? {
        guard depth > 0, consume(UInt8(ascii: "{")) else { return nil }
        var members: [String: FlatJSONValue] = [:]
        if consume(UInt8(ascii: "}")) { return members }
        repeat {
            skipWhitespace()
            guard let key = string(), consume(UInt8(ascii: ":")), let value = value(depth: depth - 1) else {
                return nil
            }
            // A duplicate key is left to JSONDecoder.
            guard members.updateValue(value, forKey: key) == nil else { return nil }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}")) ? members : nil
    }

    private mutating func value(depth: Int) -> FlatJSONValue? {
        skipWhitespace()
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return number().map { .number($0) }
        case UInt8(ascii: "{"): return object(depth: depth).map { .object($0) }
        default: return nil
        }
    }

    /// An unsigned integer without fraction or exponent that fits `UInt64`.
    private mutating func number() -> UInt64? {
        let start = position
        var value: UInt64 = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
            position += 1
        }
        // JSON has no leading zeros; fractions and exponents are left to JSONDecoder.
        if position - start > 1, bytes[start] == UInt8(ascii: "0") { return nil }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            return nil
        }
        return value
    }

    /// A string, its escapes resolved; `nil` for a control character, a bad escape, a lone
    /// surrogate or invalid UTF-8.
    private mutating func string() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        position += 1
        let start = position
        var isASCII = true
        // Most strings have no escapes: validate them straight from the buffer (ASCII is valid
        // UTF-8 as it stands; only other text goes through the validating initializer).
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                let text = isASCII ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self)
                position += 1
                return text
            }
            if byte >= 0x80 { isASCII = false }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { return nil }
            position += 1
        }
        var unescaped = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: unescaped, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard appendEscape(to: &unescaped) else { return nil }
            case 0x00..<0x20:
                return nil
            default:
                unescaped.append(byte)
            }
        }
        return nil
    }

    /// The escape after a backslash, as UTF-8.
    private mutating func appendEscape(to out: inout [UInt8]) -> Bool {
        guard position < bytes.count else { return false }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard let unit = hexUnit() else { return false }
            var scalarValue = UInt32(unit)
            if (0xD800..<0xDC00).contains(unit) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { return false }
                position += 2
                guard let low = hexUnit(), (0xDC00..<0xE000).contains(low) else { return false }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { return false }
            UTF8.encode(scalar) { out.append($0) }
        default:
            return false
        }
        return true
    }

    /// Four hex digits.
    private mutating func hexUnit() -> UInt16? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }
}
