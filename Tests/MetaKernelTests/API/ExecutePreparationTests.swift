import Foundation
import Testing

@testable import MetaKernel

/// What `POST /execute` does to a command before proposing it, and who may send which.
@Suite("POST /execute: stamping, validation, permissions")
struct ExecutePreparationTests {
    static let now: Int64 = 1_700_000_000_123_456_789

    func decode(_ json: String) throws -> MetaCommand {
        try Array(json.utf8).withUnsafeBytes { try MetaCommand.decodeJSON($0) }
    }

    func prepared(_ json: String, autocreate: Bool = true) throws -> MetaCommand {
        try decode(json).preparedForExecute(now: Self.now, retentionAutocreate: autocreate)
    }

    func refusal(_ json: String) throws -> String? {
        let command = try decode(json)
        do throws(ExecuteRefusal) {
            _ = try command.preparedForExecute(now: Self.now, retentionAutocreate: true)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("at and now may be left out; the leader's time replaces whatever was sent")
    func stamping() throws {
        #expect(
            try prepared(#"{"type":"acquire-lease","name":"cq","nodeID":4,"duration":5}"#)
                == .data(.acquireLease(name: "cq", nodeID: 4, now: Self.now, duration: 5))
        )
        #expect(
            try prepared(#"{"type":"acquire-lease","name":"cq","nodeID":4,"now":99999999999999999,"duration":5}"#)
                == .data(.acquireLease(name: "cq", nodeID: 4, now: Self.now, duration: 5))
        )
        #expect(try prepared(#"{"type":"drop-shard","id":7}"#) == .data(.dropShard(id: 7, at: Self.now)))
        #expect(
            try prepared(#"{"type":"remove-shard-owner","shardID":7,"nodeID":4,"at":1}"#)
                == .data(.removeShardOwner(shardID: 7, nodeID: 4, at: Self.now))
        )
        #expect(
            try prepared(#"{"type":"delete-shard-group","database":"db","policy":"rp","id":2}"#)
                == .data(.deleteShardGroup(database: "db", policy: "rp", id: 2, at: Self.now))
        )
        // A write's own time is the client's.
        #expect(
            try prepared(#"{"type":"create-shard-group","database":"db","policy":"rp","timestamp":42}"#)
                == .data(.createShardGroup(database: "db", policy: "rp", timestamp: 42))
        )
    }

    @Test("create-database without a policy gets autogen only with retention-autocreate")
    func autogen() throws {
        #expect(
            try prepared(#"{"type":"create-database","name":"db"}"#)
                == .createDatabase(name: "db", retentionPolicy: RetentionPolicySpec(name: "autogen"))
        )
        #expect(
            try prepared(#"{"type":"create-database","name":"db"}"#, autocreate: false)
                == .createDatabase(name: "db", retentionPolicy: nil)
        )
        let own = RetentionPolicySpec(name: "week", duration: 604_800_000_000_000)
        #expect(
            try prepared(
                #"{"type":"create-database","name":"db","retentionPolicy":{"name":"week","duration":604800000000000}}"#
            ) == .createDatabase(name: "db", retentionPolicy: own)
        )
    }

    @Test("data-node membership is refused with the ctl command to use")
    func membershipRefused() throws {
        let advice = "is not accepted by /execute; use influxd-ctl add-data, update-data or remove-data"
        #expect(
            try refusal(#"{"type":"create-data-node","httpAddr":"h:8086","tcpAddr":"h:8088"}"#)
                == "create-data-node \(advice)"
        )
        #expect(
            try refusal(#"{"type":"update-data-node","id":4,"httpAddr":"h:8086","tcpAddr":"h:8088"}"#)
                == "update-data-node \(advice)"
        )
        #expect(try refusal(#"{"type":"delete-data-node","id":4}"#) == "delete-data-node \(advice)")
    }

    @Test("malformed fields are refused in one line before proposing")
    func validation() throws {
        #expect(
            try refusal(
                #"{"type":"create-subscription","database":"db","policy":"rp","name":"s","mode":"SOME","destinations":["udp://h:9"]}"#
            )
                == "mode: \"SOME\" is not a subscription mode (use ANY or ALL)"
        )
        #expect(
            try refusal(
                #"{"type":"create-subscription","database":"db","policy":"rp","name":"s","mode":"ALL","destinations":[]}"#
            )
                == "destinations: a subscription needs at least one"
        )
        #expect(
            try refusal(#"{"type":"create-retention-policy","database":"db","policy":{"name":"rp","replicaN":0}}"#)
                == "replicaN: 0 is not allowed; a retention policy needs at least 1 replica"
        )
        #expect(
            try refusal(#"{"type":"create-retention-policy","database":"","policy":{"name":"rp"}}"#)
                == "database name must not be empty"
        )
        #expect(
            try refusal(#"{"type":"drop-retention-policy","database":"db","name":""}"#)
                == "retention policy name must not be empty"
        )
        #expect(
            try refusal(#"{"type":"acquire-lease","name":"cq","nodeID":0,"duration":5}"#)
                == "nodeID: 0 is not a node id (see influxd-ctl show)"
        )
        #expect(
            try refusal(#"{"type":"acquire-lease","name":"cq","nodeID":4,"duration":0}"#)
                == "duration: 0 must be positive nanoseconds"
        )
        #expect(
            try refusal(#"{"type":"create-continuous-query","database":"db","name":"cq","query":""}"#)
                == "query: missing; give the CREATE CONTINUOUS QUERY statement"
        )
        #expect(try refusal(#"{"type":"truncate-shard-groups","timestamp":5}"#) == nil)
    }

    @Test("each data command needs its permission; admins and node tokens pass")
    func permissions() throws {
        func user(_ permissions: PermissionMap) -> Principal {
            .user(UserInfo(name: "u", hash: "x", permissions: permissions))
        }
        let data = MetaData()
        let cases: [(String, Permission, String)] = [
            (#"{"type":"create-retention-policy","database":"db","policy":{"name":"rp"}}"#, .createDatabase, "db"),
            (#"{"type":"update-retention-policy","database":"db","name":"rp","update":{}}"#, .createDatabase, "db"),
            (#"{"type":"drop-retention-policy","database":"db","name":"rp"}"#, .createDatabase, "db"),
            (#"{"type":"set-default-retention-policy","database":"db","name":"rp"}"#, .createDatabase, "db"),
            (#"{"type":"create-shard-group","database":"db","policy":"rp","timestamp":1}"#, .writeData, "db"),
            (#"{"type":"delete-shard-group","database":"db","policy":"rp","id":1}"#, .manageShard, "db"),
            (#"{"type":"drop-shard","id":1}"#, .manageShard, ""),
            (#"{"type":"truncate-shard-groups","timestamp":1}"#, .manageShard, ""),
            (
                #"{"type":"create-continuous-query","database":"db","name":"c","query":"q"}"#, .manageContinuousQuery,
                "db"
            ),
            (#"{"type":"drop-subscription","database":"db","policy":"rp","name":"s"}"#, .manageSubscription, "db"),
            (#"{"type":"set-node-labels","id":4,"labels":{}}"#, .addRemoveNode, ""),
            (#"{"type":"acquire-lease","name":"cq","nodeID":4,"duration":5}"#, .manageContinuousQuery, ""),
            (#"{"type":"drop-database","name":"db"}"#, .dropDatabase, "db"),
        ]
        for (json, permission, database) in cases {
            let command = try prepared(json)
            #expect(command.refusal(for: user([database: [permission]]), in: data) == nil, "\(json)")
            #expect(command.refusal(for: user(["other": [permission]]), in: data) != nil, "\(json)")
            let wrong: Permission = permission == .readData ? .monitor : .readData
            #expect(command.refusal(for: user([database: [wrong]]), in: data) != nil, "\(json)")
            #expect(command.refusal(for: .user(UserInfo(name: "a", hash: "x", admin: true)), in: data) == nil)
            #expect(command.refusal(for: .node, in: data) == nil)
        }
    }
}
