import Foundation
import MetaProto
import SwiftProtobuf
import Testing

@testable import MetaKernel

@Suite("Protobuf wire format: Data and Command")
struct ProtobufCodecTests {
    @Test("MetaData with every field set round-trips through the hand-written codec")
    func dataRoundTrip() throws {
        let data = ProtobufFixtures.everyField
        #expect(try MetaDataProtobuf.decode(MetaDataProtobuf.encode(data)) == data)
        #expect(try MetaDataProtobuf.decode(MetaDataProtobuf.encode(MetaData())) == MetaData())
    }

    @Test("the hand-written codec and SwiftProtobuf's generated code agree, both ways, byte for byte")
    func handWrittenMatchesGenerated() throws {
        let data = ProtobufFixtures.everyField
        let handBytes = MetaDataProtobuf.encode(data)
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let generatedBytes: [UInt8] = try data.protobuf.serializedBytes(options: options)
        #expect(handBytes == generatedBytes)
        // Generated code reads our bytes (required fields checked) into the same value...
        let parsed = try Meta_Data(serializedBytes: handBytes)
        #expect(try MetaData(protobuf: parsed) == data)
        // ... and our decoder reads the generated code's bytes into the same value.
        #expect(try MetaDataProtobuf.decode(generatedBytes) == data)
    }

    @Test("users carry InfluxDB 1.x privileges (1 Read, 2 Write, 3 All) beside their permissions")
    func privileges() throws {
        let parsed = try Meta_Data(serializedBytes: MetaDataProtobuf.encode(ProtobufFixtures.everyField))
        let bob = try #require(parsed.users.first { $0.name == "bob" })
        #expect(bob.admin == false)
        #expect(bob.privileges.map { "\($0.database)=\($0.privilege)" } == ["db/é=3", "r=1", "w=2"])
        #expect(parsed.users.first { $0.name == "admin" }?.admin == true)
        // A Data from InfluxDB 1.x (privileges only) gives the matching permissions.
        var legacy = Meta_Data()
        legacy.users = [
            .with {
                $0.name = "old"
                $0.hash = "h"
                $0.admin = false
                $0.privileges = [
                    .with {
                        $0.database = "db"; $0.privilege = 3
                    },
                    .with {
                        $0.database = "r"; $0.privilege = 1
                    },
                ]
            }
        ]
        let decoded = try MetaDataProtobuf.decode(try legacy.serializedBytes(partial: true))
        #expect(decoded.users.first?.permissions == ["db": [.readData, .writeData], "r": [.readData]])
    }

    @Test("shards written with the deprecated OwnerIDs (packed or not) keep their owners")
    func ownerIDs() throws {
        func shard(_ bytes: [UInt8]) throws -> ShardInfo {
            try bytes.withUnsafeBytes { raw in
                var reader = ProtobufReader(raw, message: "ShardInfo")
                return try MetaDataDecoder.shard(&reader)
            }
        }
        let unpacked: [UInt8] = try Meta_ShardInfo.with {
            $0.id = 9
            $0.ownerIds = [4, 300]
        }.serializedBytes()
        #expect(try shard(unpacked) == ShardInfo(id: 9, owners: [4, 300]))
        #expect(try shard([0x08, 0x09, 0x12, 0x03, 0x04, 0xAC, 0x02]) == ShardInfo(id: 9, owners: [4, 300]))
    }

    @Test("damaged Data is refused with one line naming the message")
    func damagedData() throws {
        let bytes = MetaDataProtobuf.encode(ProtobufFixtures.everyField)
        let truncated = Array(bytes.dropLast(5))
        #expect(throws: ProtobufError.self) { try MetaDataProtobuf.decode(truncated) }
        do {
            _ = try MetaDataProtobuf.decode([0x2A, 0x7F, 0x01])
            Issue.record("a field running past the end decoded")
        } catch {
            #expect(error.description.hasPrefix("Data: "))
            #expect(!error.description.contains("\n"))
        }
        #expect(throws: ProtobufError.self) { try MetaDataProtobuf.decode([0x0B]) }  // a group (wire type 3)
    }

    @Test("every command round-trips through a protobuf Command", arguments: ProtobufFixtures.everyCommand)
    func commandRoundTrip(command: MetaCommand) throws {
        let bytes = command.encodeProtobuf()
        #expect(try MetaCommand.decodeProtobuf(bytes) == command)
        // Generated code with the extensions registered reads it, required fields included.
        let parsed = try Meta_Command(serializedBytes: bytes, extensions: Meta_InfluxdMeta_Extensions)
        #expect(parsed.isInitialized)
    }

    @Test("the command fixtures cover every command type")
    func everyTypeCovered() {
        #expect(Set(ProtobufFixtures.everyCommand.map(\.typeName)) == Set(MetaCommand.typeNames))
    }

    @Test("InfluxDB 1.x commands use meta.proto's type and extension numbers")
    func originalNumbers() throws {
        let expected: [(MetaCommand, Int)] = [
            (.createDatabase(name: "d"), 3), (.dropDatabase(name: "d"), 4),
            (.data(.createShardGroup(database: "d", policy: "p", timestamp: 1)), 9),
            (.access(.createUser(name: "u", hash: "h", admin: false)), 13),
            (.data(.createDataNode(httpAddress: "a", tcpAddress: "b", passive: false)), 25),
            (.data(.deleteDataNode(id: 4, at: 0)), 28), (.data(.dropShard(id: 1, at: 0)), 30),
            (.createMetaNode(httpAddress: "a", tcpAddress: "b", rand: 1), 24),
        ]
        for (command, type) in expected {
            let bytes = command.encodeProtobuf()
            let parsed = try Meta_Command(serializedBytes: bytes, extensions: Meta_InfluxdMeta_Extensions)
            #expect(parsed.type.rawValue == type, "\(command.typeName)")
            // The body sits in extension field 100 + type: key (field << 3 | 2) as a varint.
            let key = UInt64(100 + type) << 3 | 2
            let keyBytes = [UInt8(key & 0x7F | 0x80), UInt8(key >> 7)]
            #expect(bytes.starts(with: [0x08, UInt8(type)]) && Array(bytes[2..<4]) == keyBytes, "\(command.typeName)")
        }
    }

    @Test("a command an original writer sent (RetentionPolicyInfo, no Spec) decodes")
    func originalCreateDatabase() throws {
        var body = Meta_CreateDatabaseCommand()
        body.name = "db"
        body.retentionPolicy = .with {
            $0.name = "rp"
            $0.duration = 0
            $0.shardGroupDuration = 0
            $0.replicaN = 2
        }
        var command = Meta_Command()
        command.type = .createDatabaseCommand
        command.Meta_CreateDatabaseCommand_command = body
        let decoded = try MetaCommand(protobuf: command)
        #expect(
            decoded
                == .createDatabase(
                    name: "db",
                    retentionPolicy: RetentionPolicySpec(name: "rp", duration: 0, replicaN: 2)
                )
        )
    }

    @Test("a bad Command is refused with one line saying why")
    func badCommand() throws {
        func problem(_ bytes: [UInt8]) -> String {
            do {
                _ = try MetaCommand.decodeProtobuf(bytes)
                return "decoded"
            } catch {
                return error.description
            }
        }
        #expect(problem([0xFF]).hasPrefix("Command does not decode"))
        // Type CreateDatabaseCommand without its extension.
        #expect(
            problem([0x08, 0x03])
                == "Command of type CreateDatabaseCommand (3) has no CreateDatabaseCommand extension (field 103)"
        )
        // RemovePeer (23) exists in meta.proto but is not accepted.
        var removePeer = Meta_Command()
        removePeer.type = .removePeerCommand
        #expect(problem(try removePeer.serializedBytes()).contains("is not supported by influxd-meta"))
        for text in [problem([0xFF]), problem([0x08, 0x03])] { #expect(!text.contains("\n")) }
    }

    @Test("the protobuf Response of /execute carries OK, Error and Index")
    func response() throws {
        let ok = try Meta_Response(serializedBytes: ExecuteReply(index: 12, error: nil).protobuf)
        #expect(ok.ok && !ok.hasError && ok.index == 12)
        let refused = try Meta_Response(serializedBytes: ExecuteReply(index: 13, error: "database not found").protobuf)
        #expect(!refused.ok && refused.error == "database not found" && refused.index == 13)
    }
}
