import NIOCore

/// The first bytes on every Raft connection: who is calling.
///
/// Layout (big-endian): magic `IMETARFT` (8 bytes), version (UInt32), sender's Raft id (UInt64),
/// address length (UInt16, at most ``maximumAddressLength``), the sender's Raft address (UTF-8).
/// Only our own transport reads it; libraft sees the bytes that follow.
struct RaftPreamble: Equatable, Sendable {
    static let magic: [UInt8] = Array("IMETARFT".utf8)
    static let version: UInt32 = 1
    static let maximumAddressLength = 1024

    var id: UInt64
    var address: String

    /// Why a preamble was refused.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(Self.version)
        buffer.writeInteger(id)
        let address = Array(self.address.utf8)
        buffer.writeInteger(UInt16(address.count))
        buffer.writeBytes(address)
    }

    /// Reads a preamble from the front of `buffer`.
    /// - Returns: `nil` when more bytes are needed (nothing is consumed then).
    /// - Throws: ``Invalid`` when the bytes cannot be a preamble of ours.
    static func decode(from buffer: inout ByteBuffer) throws(Invalid) -> RaftPreamble? {
        let view = buffer
        let checkable = min(view.readableBytes, magic.count)
        if let prefix = view.getBytes(at: view.readerIndex, length: checkable), prefix != Array(magic.prefix(checkable))
        {
            throw Invalid(description: "not an influxd-meta Raft connection (bad magic)")
        }
        var reader = view
        guard reader.readableBytes >= magic.count + 4 + 8 + 2 else { return nil }
        reader.moveReaderIndex(forwardBy: magic.count)
        let version: UInt32 = reader.readInteger()!
        guard version == Self.version else {
            throw Invalid(
                description: "unsupported Raft connection version \(version) (this node speaks \(Self.version))"
            )
        }
        let id: UInt64 = reader.readInteger()!
        let length = Int(reader.readInteger(as: UInt16.self)!)
        guard length > 0, length <= maximumAddressLength else {
            throw Invalid(description: "Raft address length \(length) out of range")
        }
        guard id > 0 else { throw Invalid(description: "Raft id 0 is not valid") }
        guard let bytes = reader.readBytes(length: length) else { return nil }
        guard let address = String(validating: bytes, as: UTF8.self) else {
            throw Invalid(description: "Raft address is not valid UTF-8")
        }
        buffer = reader
        return RaftPreamble(id: id, address: address)
    }
}
