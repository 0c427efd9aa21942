import NIOCore
import NIOEmbedded
import Testing

@testable import TLS

@Suite("OpenSSLHandler records: writes coalesced, reads delivered together")
struct RecordBatchingTests {
    /// The content types of the TLS records in `bytes`, in order (23 is application data).
    static func recordTypes(_ bytes: ByteBuffer) -> [UInt8] {
        var view = bytes
        var types: [UInt8] = []
        while let header = view.readBytes(length: 5) {
            types.append(header[0])
            view.moveReaderIndex(forwardBy: Int(header[3]) << 8 | Int(header[4]))
        }
        return types
    }

    /// Everything `channel` has written to the network since the last call, as one buffer.
    static func outbound(of channel: EmbeddedChannel) throws -> ByteBuffer {
        var all = ByteBuffer()
        while var bytes = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&bytes) }
        return all
    }

    @Test("writes flushed together go out as one record, and each write's promise completes")
    func writesCoalesce() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.handshake()
        let promises = (0..<3).map { _ in pair.client.eventLoop.makePromise(of: Void.self) }
        for (text, promise) in zip(["head ", "body ", "end"], promises) {
            pair.client.write(ByteBuffer(string: text), promise: promise)
        }
        pair.client.flush()
        let sent = try Self.outbound(of: pair.client)
        #expect(Self.recordTypes(sent) == [23])
        for promise in promises {
            #expect((try? promise.futureResult.embeddedResult()?.get()) != nil)
        }
        try pair.server.writeInbound(sent)
        #expect(pair.serverRecorder.text == "head body end")

        // More than a record's worth still splits into 16 KiB records, in order.
        let big = String(repeating: "0123456789abcdef", count: 1_100)
        pair.client.write(ByteBuffer(string: "x"), promise: nil)
        pair.client.write(ByteBuffer(string: big), promise: nil)
        pair.client.flush()
        let large = try Self.outbound(of: pair.client)
        #expect(Self.recordTypes(large) == [23, 23])
        try pair.server.writeInbound(large)
        #expect(pair.serverRecorder.text == "head body end" + "x" + big)
    }

    @Test("records that arrive in one read go up as one read; a close_notify after them still closes")
    func readsTogether() throws {
        let pair = try InMemoryTLS(
            server: TestContexts.server(),
            client: TestContexts.client(),
            serverName: "localhost"
        )
        try pair.handshake()
        let readsBefore = pair.serverRecorder.reads
        for text in ["one ", "two ", "three"] {
            pair.client.writeAndFlush(ByteBuffer(string: text), promise: nil)
        }
        pair.client.close(promise: nil)
        let arriving = try Self.outbound(of: pair.client)
        #expect(Self.recordTypes(arriving).count == 4)  // three records of data, then close_notify
        try pair.server.writeInbound(arriving)
        #expect(pair.serverRecorder.text == "one two three")
        #expect(pair.serverRecorder.reads == readsBefore + 1)
        #expect(pair.serverRecorder.tlsEvents.last == .shutdownCompleted)
        #expect(!pair.server.isActive)
        #expect(pair.serverRecorder.errors.isEmpty)
    }
}
