import FoundationEssentials

/// Writes ``MetaData`` as JSON without `Codable`: the bytes `JSONEncoder` with sorted keys
/// gives, about ten times faster. Snapshots are encoded on the Raft thread, where every
/// millisecond delays heartbeats and commits, and `GET /` and long polls encode the whole
/// metadata too. Keys are written in the order `.sortedKeys` puts them.
enum MetaDataJSON {
    /// The JSON of `data`.
    /// - Parameter escapingSlashes: write `/` as `\/`, as `JSONEncoder` does by default
    ///   (snapshots); the API leaves slashes alone.
    static func encode(_ data: MetaData, escapingSlashes: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + data.databases.count * 24 + (data.metaNodes.count + data.dataNodes.count) * 96)
        var writer = JSONWriter(out: out, escapingSlashes: escapingSlashes)
        writer.raw(#"{"clusterID":"#)
        writer.number(data.clusterID)
        writer.raw(#","dataNodes":"#)
        writer.nodes(data.dataNodes)
        writer.raw(#","databases":"#)
        writer.list(data.databases) { $0.database($1) }
        writer.raw(#","index":"#)
        writer.number(data.index)
        writer.raw(#","leaseClock":"#)
        writer.number(data.leaseClock)
        writer.raw(#","leases":"#)
        writer.list(data.leases) { $0.lease($1) }
        writer.raw(#","maxNodeID":"#)
        writer.number(data.maxNodeID)
        writer.raw(#","maxShardGroupID":"#)
        writer.number(data.maxShardGroupID)
        writer.raw(#","maxShardID":"#)
        writer.number(data.maxShardID)
        writer.raw(#","metaNodes":"#)
        writer.nodes(data.metaNodes)
        writer.raw(#","roles":"#)
        writer.encoded(data.roles)
        writer.raw(#","term":"#)
        writer.number(data.term)
        writer.raw(#","users":"#)
        writer.encoded(data.users)
        writer.byte(UInt8(ascii: "}"))
        return writer.out
    }
}

extension JSONWriter {
    /// Users, roles or labels: few and small, so `JSONEncoder` writes them, with the writer's
    /// slash rule (and its own key order).
    fileprivate mutating func encoded(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        out += (try? encoder.encode(value)).map(Array.init) ?? Array("[]".utf8)
    }

    /// `[a,b,…]`, each element written by `element`.
    fileprivate mutating func list<Elements: Sequence>(
        _ elements: Elements,
        _ element: (inout JSONWriter, Elements.Element) -> Void
    ) {
        byte(UInt8(ascii: "["))
        var first = true
        for value in elements {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            element(&self, value)
        }
        byte(UInt8(ascii: "]"))
    }

    /// A list of nodes, each `{"httpAddress":…,"id":…,"labels":{…},"passive":…,"tcpAddress":…}`.
    fileprivate mutating func nodes(_ nodes: [NodeInfo]) {
        list(nodes) { writer, node in
            writer.raw(#"{"httpAddress":"#)
            writer.string(node.httpAddress)
            writer.raw(#","id":"#)
            writer.number(node.id)
            writer.raw(#","labels":"#)
            if node.labels.isEmpty { writer.raw("{}") } else { writer.encoded(node.labels) }
            writer.raw(#","passive":"#)
            writer.bool(node.passive)
            writer.raw(#","tcpAddress":"#)
            writer.string(node.tcpAddress)
            writer.byte(UInt8(ascii: "}"))
        }
    }

    fileprivate mutating func database(_ database: DatabaseInfo) {
        raw(#"{"continuousQueries":"#)
        list(database.continuousQueries) { writer, query in
            writer.raw(#"{"name":"#)
            writer.string(query.name)
            writer.raw(#","query":"#)
            writer.string(query.query)
            writer.byte(UInt8(ascii: "}"))
        }
        raw(#","defaultRetentionPolicy":"#)
        string(database.defaultRetentionPolicy)
        raw(#","name":"#)
        string(database.name)
        raw(#","retentionPolicies":"#)
        list(database.retentionPolicies) { $0.policy($1) }
        byte(UInt8(ascii: "}"))
    }

    fileprivate mutating func policy(_ policy: RetentionPolicyInfo) {
        raw(#"{"duration":"#)
        number(policy.duration)
        raw(#","name":"#)
        string(policy.name)
        raw(#","replicaN":"#)
        number(policy.replicaN)
        raw(#","shardGroupDuration":"#)
        number(policy.shardGroupDuration)
        raw(#","shardGroups":"#)
        list(policy.shardGroups) { $0.group($1) }
        raw(#","subscriptions":"#)
        list(policy.subscriptions) { writer, subscription in
            writer.raw(#"{"destinations":"#)
            writer.list(subscription.destinations) { $0.string($1) }
            writer.raw(#","mode":"#)
            writer.string(subscription.mode)
            writer.raw(#","name":"#)
            writer.string(subscription.name)
            writer.byte(UInt8(ascii: "}"))
        }
        byte(UInt8(ascii: "}"))
    }

    fileprivate mutating func group(_ group: ShardGroupInfo) {
        raw(#"{"deletedAt":"#)
        number(group.deletedAt)
        raw(#","endTime":"#)
        number(group.endTime)
        raw(#","id":"#)
        number(group.id)
        raw(#","shards":"#)
        list(group.shards) { writer, shard in
            writer.raw(#"{"id":"#)
            writer.number(shard.id)
            writer.raw(#","owners":"#)
            writer.list(shard.owners) { $0.number($1) }
            writer.byte(UInt8(ascii: "}"))
        }
        raw(#","startTime":"#)
        number(group.startTime)
        raw(#","truncatedAt":"#)
        number(group.truncatedAt)
        byte(UInt8(ascii: "}"))
    }

    fileprivate mutating func lease(_ lease: LeaseInfo) {
        raw(#"{"expiration":"#)
        number(lease.expiration)
        raw(#","name":"#)
        string(lease.name)
        raw(#","owner":"#)
        number(lease.owner)
        raw(#","token":"#)
        number(lease.token)
        byte(UInt8(ascii: "}"))
    }
}
