/// Writes protobuf wire format into a buffer whose size was computed beforehand (see
/// ``ProtobufSize``), so that nested messages are written once, in place, without copies.
struct ProtobufWriter: ~Copyable {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    /// A writer into `buffer`, which must hold every byte that will be written.
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.base = buffer.baseAddress!
        self.capacity = buffer.count
    }

    /// Writes `value` as a base-128 varint.
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            put(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        put(UInt8(truncatingIfNeeded: value))
    }

    /// Writes a field key: the field number and its wire type.
    @inline(__always)
    mutating func key(_ field: UInt64, _ wireType: ProtobufWireType) {
        varint(field << 3 | UInt64(wireType.rawValue))
    }

    /// Writes an unsigned varint field.
    @inline(__always)
    mutating func field(_ field: UInt64, _ value: UInt64) {
        key(field, .varint)
        varint(value)
    }

    /// Writes a signed (`int64`/`int32`) varint field: two's complement, ten bytes when negative.
    @inline(__always)
    mutating func field(_ field: UInt64, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// Writes a `bool` field.
    @inline(__always)
    mutating func field(_ field: UInt64, _ value: Bool) {
        key(field, .varint)
        put(value ? 1 : 0)
    }

    /// Writes a `string` field.
    mutating func field(_ field: UInt64, _ value: String) {
        key(field, .lengthDelimited)
        var value = value
        value.withUTF8 { bytes in
            varint(UInt64(bytes.count))
            precondition(count + bytes.count <= capacity, "protobuf buffer overflow")
            if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
            count += bytes.count
        }
    }

    /// Starts an embedded message field of `size` bytes; its fields follow.
    @inline(__always)
    mutating func message(_ field: UInt64, size: Int) {
        key(field, .lengthDelimited)
        varint(UInt64(size))
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        precondition(count < capacity, "protobuf buffer overflow")
        base[count] = byte
        count += 1
    }
}

/// Sizes of protobuf encodings.
enum ProtobufSize {
    /// Bytes of `value` as a varint.
    @inline(__always)
    static func varint(_ value: UInt64) -> Int {
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    /// Bytes of a field key.
    @inline(__always)
    static func key(_ field: UInt64) -> Int {
        varint(field << 3)
    }

    /// Bytes of an unsigned varint field.
    @inline(__always)
    static func field(_ field: UInt64, _ value: UInt64) -> Int {
        key(field) + varint(value)
    }

    /// Bytes of a signed varint field.
    @inline(__always)
    static func field(_ field: UInt64, _ value: Int64) -> Int {
        key(field) + varint(UInt64(bitPattern: value))
    }

    /// Bytes of a `bool` field.
    @inline(__always)
    static func field(_ field: UInt64, _ value: Bool) -> Int {
        key(field) + 1
    }

    /// Bytes of a `string` field.
    @inline(__always)
    static func field(_ field: UInt64, _ value: String) -> Int {
        let length = value.utf8.count
        return key(field) + varint(UInt64(length)) + length
    }

    /// Bytes of an embedded message field whose body is `size` bytes.
    @inline(__always)
    static func message(_ field: UInt64, size: Int) -> Int {
        key(field) + varint(UInt64(size)) + size
    }
}

/// The wire types this codec reads and writes (groups, 3 and 4, are refused).
enum ProtobufWireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}
