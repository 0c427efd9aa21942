/// Reads protobuf wire format from memory, field by field; every read is bounds-checked and a
/// damaged message throws ``ProtobufError`` naming the message and what is wrong.
struct ProtobufReader {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    /// The message being read, for errors.
    let message: StaticString

    /// A reader of the whole of `bytes`, which hold a `message`.
    init(_ bytes: UnsafeRawBufferPointer, message: StaticString) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
        self.message = message
    }

    private init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, message: StaticString) {
        self.bytes = bytes
        self.position = start
        self.end = end
        self.message = message
    }

    /// Whether every byte was read.
    var isAtEnd: Bool { position >= end }

    /// The next field's number and wire type, or `nil` at the end of the message.
    mutating func nextField() throws(ProtobufError) -> (number: UInt64, wireType: ProtobufWireType)? {
        guard position < end else { return nil }
        let key = try varint()
        let number = key >> 3
        guard number > 0, let wireType = ProtobufWireType(rawValue: UInt8(key & 7)) else {
            throw ProtobufError("\(message): invalid field key \(key) at byte \(position)")
        }
        return (number, wireType)
    }

    /// A varint.
    @inline(__always)
    mutating func varint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift >= 70 { break }
        }
        throw ProtobufError("\(message): truncated or overlong varint at byte \(position)")
    }

    /// A varint field checked to be one.
    mutating func unsigned(_ wireType: ProtobufWireType) throws(ProtobufError) -> UInt64 {
        guard wireType == .varint else { throw wrongType(wireType) }
        return try varint()
    }

    /// An `int64` field.
    mutating func signed(_ wireType: ProtobufWireType) throws(ProtobufError) -> Int64 {
        Int64(bitPattern: try unsigned(wireType))
    }

    /// A `bool` field.
    mutating func bool(_ wireType: ProtobufWireType) throws(ProtobufError) -> Bool {
        try unsigned(wireType) != 0
    }

    /// A `string` field, which must be UTF-8.
    mutating func string(_ wireType: ProtobufWireType) throws(ProtobufError) -> String {
        let (start, stop) = try lengthDelimited(wireType)
        guard let string = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
        else {
            throw ProtobufError("\(message): a string field is not UTF-8 (at byte \(start))")
        }
        return string
    }

    /// A reader of an embedded message field's body.
    mutating func embedded(_ wireType: ProtobufWireType, message: StaticString) throws(ProtobufError)
        -> ProtobufReader
    {
        let (start, stop) = try lengthDelimited(wireType)
        return ProtobufReader(bytes, from: start, to: stop, message: message)
    }

    /// Skips a field this codec does not know.
    mutating func skip(_ wireType: ProtobufWireType) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited: _ = try lengthDelimited(wireType)
        }
    }

    private mutating func lengthDelimited(_ wireType: ProtobufWireType) throws(ProtobufError) -> (Int, Int) {
        guard wireType == .lengthDelimited else { throw wrongType(wireType) }
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw ProtobufError("\(message): a field of \(length) bytes runs past the end (byte \(position))")
        }
        let start = position
        position += Int(length)
        return (start, position)
    }

    private mutating func advance(_ count: Int) throws(ProtobufError) {
        guard end - position >= count else {
            throw ProtobufError("\(message): truncated fixed-width field at byte \(position)")
        }
        position += count
    }

    private func wrongType(_ wireType: ProtobufWireType) -> ProtobufError {
        ProtobufError("\(message): unexpected wire type \(wireType.rawValue) at byte \(position)")
    }
}

/// Protobuf bytes that do not decode: one line saying which message and what is wrong.
public struct ProtobufError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
