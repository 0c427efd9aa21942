import FoundationEssentials

/// Writes ``MetaData`` as JSON without `Codable`: the bytes `JSONEncoder` with sorted keys
/// gives, about ten times faster. Snapshots are encoded on the Raft thread, where every
/// millisecond delays heartbeats and commits, and `GET /` and long polls encode the whole
/// metadata too.
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
        writer.raw(#","databases":["#)
        for (position, database) in data.databases.enumerated() {
            if position > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw(#"{"name":"#)
            writer.string(database.name)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw(#"],"index":"#)
        writer.number(data.index)
        writer.raw(#","maxNodeID":"#)
        writer.number(data.maxNodeID)
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
    /// Users or roles: few and small, so `JSONEncoder` writes them, with the writer's slash rule.
    fileprivate mutating func encoded(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        out += (try? encoder.encode(value)).map(Array.init) ?? Array("[]".utf8)
    }

    /// A list of nodes, each `{"httpAddress":…,"id":…,"tcpAddress":…}`.
    fileprivate mutating func nodes(_ nodes: [NodeInfo]) {
        byte(UInt8(ascii: "["))
        for (position, node) in nodes.enumerated() {
            if position > 0 { byte(UInt8(ascii: ",")) }
            raw(#"{"httpAddress":"#)
            string(node.httpAddress)
            raw(#","id":"#)
            number(node.id)
            raw(#","tcpAddress":"#)
            string(node.tcpAddress)
            byte(UInt8(ascii: "}"))
        }
        byte(UInt8(ascii: "]"))
    }
}
