import Foundation
import MetaKernel
import MetaProto
import SwiftProtobuf
import TestSupport
import Testing

/// `GET /`, its long poll and `POST /execute` in protobuf, against the built binary.
@Suite("Protobuf API from the built binaries", .serialized)
struct ProtobufClusterTests {
    let json = MetaClient(configuration: .init(timeout: .seconds(5)))
    let protobuf = MetaClient(configuration: .init(timeout: .seconds(70), mediaType: "application/octet-stream"))

    func waitForLeader(_ node: MetaProcess) async throws {
        _ = try await eventually("\(node.httpAddress) to lead", timeout: .seconds(20)) {
            let status = try await json.get(node.httpAddress, "/status").decode(ClusterStatus.self)
            return status.leader.isEmpty ? nil : status
        }
    }

    /// Creates a database with a protobuf `Command`; returns the `Response`.
    func createDatabase(_ name: String, on node: MetaProcess) async throws -> (Int, Meta_Response) {
        let reply = try await protobuf.post(
            node.httpAddress,
            "/execute",
            json: MetaCommand.createDatabase(name: name).encodeProtobuf()
        )
        #expect(reply.header("Content-Type") == "application/octet-stream")
        return (reply.status, try Meta_Response(serializedBytes: reply.body))
    }

    @Test("a long poll in protobuf wakes on a protobuf command; JSON stays available")
    func longPoll() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await waitForLeader(node)
        let (status, first) = try await createDatabase("a", on: node)
        #expect(status == 200 && first.ok && first.index > 0)

        let poll = Task { try await protobuf.get(node.httpAddress, "/?index=\(first.index)") }
        let (_, second) = try await createDatabase("b", on: node)
        #expect(second.ok && second.index > first.index)
        let reply = try await poll.value
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/octet-stream")
        let data = try MetaDataProtobuf.decode(reply.body)
        #expect(data.index >= second.index)
        #expect(data.databases.map(\.name) == ["a", "b"])

        let viaJSON = try await json.get(node.httpAddress, "/").decode(MetaData.self)
        #expect(viaJSON == data)
        await node.stop()
    }

    @Test("a bad protobuf command gets 400 and a protobuf Response with one line")
    func badCommand() async throws {
        let node = try MetaProcess(root: try makeTemporaryDirectory())
        try node.start(["-single-server"])
        try await waitForLeader(node)
        let reply = try await protobuf.post(node.httpAddress, "/execute", json: [0x08, 0x03])
        #expect(reply.status == 400)
        let response = try Meta_Response(serializedBytes: reply.body)
        #expect(!response.ok)
        #expect(
            response.error
                == "invalid command: Command of type CreateDatabaseCommand (3) has no CreateDatabaseCommand extension (field 103)"
        )
        let (status, empty) = try await createDatabase("", on: node)
        #expect(status == 400 && empty.error == "database name must not be empty")
        await node.stop()
    }
}
