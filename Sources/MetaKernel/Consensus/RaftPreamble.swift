import NIOCore

/// The first bytes on every Raft connection: who is calling.
///
/// Layout (big-endian): magic `IMETARFT` (8 bytes), version (UInt32), sender's Raft id (UInt64),
/// the dialer's nonce (32 bytes), address length (UInt16, at most ``maximumAddressLength``),
/// the sender's Raft address (UTF-8). The listener answers with a ``RaftHandshake/PortalHello``
/// and the dialer with a ``RaftHandshake/DialerProof``; only our transport reads these,
/// libraft sees the bytes that follow.
struct RaftPreamble: Equatable, Sendable {
    static let magic: [UInt8] = Array("IMETARFT".utf8)
    /// 2: the nonce and the two-way handshake (version 1 had neither).
    static let version: UInt32 = 2
    static let maximumAddressLength = 1024
    /// The bytes before the address: magic, version, id, nonce and the address length.
    static let headerLength = magic.count + 4 + 8 + RaftAuthentication.nonceLength + 2

    /// How many more bytes the preamble at the front of `buffer` needs: the rest of the header,
    /// then the rest of the address the header announces. Never more than the preamble's length.
    static func missingBytes(in buffer: ByteBuffer) -> Int {
        guard buffer.readableBytes >= headerLength else { return headerLength - buffer.readableBytes }
        let length = buffer.getInteger(at: buffer.readerIndex + headerLength - 2, as: UInt16.self)!
        return max(headerLength + Int(length) - buffer.readableBytes, 0)
    }

    var id: UInt64
    var address: String
    /// The dialer's fresh random nonce (``RaftAuthentication/nonceLength`` bytes).
    var nonce: [UInt8]

    /// Why a preamble was refused.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(Self.version)
        buffer.writeInteger(id)
        buffer.writeBytes(nonce)
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
            // 0x16 starts a TLS handshake record; no preamble starts with it.
            if prefix.first == 0x16 {
                throw Invalid(
                    description:
                        "it speaks TLS (a TLS ClientHello), and this node's Raft port does not: set [meta] https-enabled the same on every meta node"
                )
            }
            throw Invalid(description: "not an influxd-meta Raft connection (bad magic)")
        }
        var reader = view
        guard reader.readableBytes >= magic.count + 4 else { return nil }
        reader.moveReaderIndex(forwardBy: magic.count)
        let version: UInt32 = reader.readInteger()!
        guard version == Self.version else {
            throw Invalid(
                description:
                    "unsupported Raft connection version \(version) (this node speaks \(Self.version); run the same influxd-meta release on every meta node)"
            )
        }
        guard reader.readableBytes >= 8 + RaftAuthentication.nonceLength + 2 else { return nil }
        let id: UInt64 = reader.readInteger()!
        let nonce = reader.readBytes(length: RaftAuthentication.nonceLength)!
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
        return RaftPreamble(id: id, address: address, nonce: nonce)
    }
}
