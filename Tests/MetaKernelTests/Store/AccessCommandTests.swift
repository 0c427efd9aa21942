import Foundation
import Testing

@testable import MetaKernel

@Suite("Users and roles in the store")
struct AccessCommandTests {
    static let commands: [AccessCommand] = [
        .createUser(name: "alice", hash: "$2b$04$x/y", admin: true), .dropUser(name: "alice"),
        .updateUser(name: "alice", hash: "h"), .setAdmin(name: "alice", admin: false),
        .changeUserPermissions(name: "alice", permissions: ["db": [.readData], "": [.createDatabase]], grant: true),
        .changeUserPermissions(name: "alice", permissions: ["db": [.readData]], grant: false),
        .createRole(name: "r"), .dropRole(name: "r"), .changeRoleUsers(name: "r", users: ["a", "b"], add: true),
        .changeRoleUsers(name: "r", users: ["a"], add: false),
        .changeRolePermissions(name: "r", permissions: ["": [.addRemoveNode]], grant: true),
        .changeRolePermissions(name: "r", permissions: ["": [.addRemoveNode]], grant: false),
    ]

    @Test("every access command round-trips through the log's JSON", arguments: commands)
    func roundTrip(command: AccessCommand) throws {
        let entry = LogEntry(term: 3, command: .access(command))
        #expect(try LogEntry.decode(entry.encoded()) == entry)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(entry.encoded() == Array(try encoder.encode(entry)))
    }

    @Test("users, permissions and roles apply deterministically; refusals change nothing")
    func apply() {
        var data = MetaData()
        var index: UInt64 = 0
        func run(_ command: AccessCommand) -> String? {
            index += 1
            return data.apply(.access(command), term: 1, index: index).error
        }
        #expect(run(.createUser(name: "bob", hash: "h1", admin: false)) == nil)
        #expect(run(.createUser(name: "alice", hash: "h2", admin: true)) == nil)
        #expect(data.users.map(\.name) == ["alice", "bob"])
        #expect(data.hasAdmin)
        #expect(run(.createUser(name: "bob", hash: "other", admin: false)) == "user already exists")
        #expect(run(.updateUser(name: "carol", hash: "x")) == "user not found")
        let bob = data.user(named: "bob")!
        #expect(!data.user(bob, holds: .createDatabase, on: "db0"))
        #expect(run(.changeUserPermissions(name: "bob", permissions: ["db0": [.createDatabase]], grant: true)) == nil)
        #expect(data.user(data.user(named: "bob")!, holds: .createDatabase, on: "db0"))
        #expect(!data.user(data.user(named: "bob")!, holds: .createDatabase, on: "db1"))
        #expect(run(.createRole(name: "ops")) == nil)
        #expect(run(.changeRolePermissions(name: "ops", permissions: ["": [.addRemoveNode]], grant: true)) == nil)
        #expect(run(.changeRoleUsers(name: "ops", users: ["bob", "nobody"], add: true)) == "user \"nobody\" not found")
        #expect(run(.changeRoleUsers(name: "ops", users: ["bob"], add: true)) == nil)
        #expect(data.user(data.user(named: "bob")!, holds: .addRemoveNode))
        #expect(run(.changeUserPermissions(name: "bob", permissions: ["db0": [.createDatabase]], grant: false)) == nil)
        #expect(data.user(named: "bob")!.permissions.isEmpty)
        #expect(run(.dropUser(name: "bob")) == nil)
        #expect(data.role(named: "ops")!.users.isEmpty)
        #expect(data.index == index)
    }

    @Test("a snapshot written before users existed still decodes; one with users round-trips")
    func snapshots() throws {
        let old =
            SnapshotCodec.headerV1
            + Array(
                #"{"clusterID":5,"dataNodes":[],"databases":[{"name":"db"}],"index":7,"maxNodeID":1,"metaNodes":[],"term":2}"#
                    .utf8
            )
        let decoded = try SnapshotCodec.decode(old)
        #expect(decoded.index == 7 && decoded.users.isEmpty && decoded.roles.isEmpty)
        var data = decoded
        _ = data.apply(.access(.createUser(name: "a/b", hash: "$2b$04$s/x", admin: true)), term: 2, index: 8)
        _ = data.apply(.access(.createRole(name: "r")), term: 2, index: 9)
        #expect(try SnapshotCodec.decode(try SnapshotCodec.encode(data)) == data)
        for escaping in [true, false] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = escaping ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
            #expect(MetaDataJSON.encode(data, escapingSlashes: escaping) == Array(try encoder.encode(data)))
        }
    }
}
