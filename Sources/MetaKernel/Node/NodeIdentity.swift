import FoundationEssentials

/// Who this node is in its cluster, persisted as `node.json` under `[meta] dir`.
///
/// Written once when the node is bootstrapped or joined, and read at every start, so a
/// restarted node rejoins by itself. Written atomically (temporary file, fsync, rename).
public struct NodeIdentity: Sendable, Codable, Equatable {
    /// The node's id, also its Raft id.
    public var id: UInt64
    /// The cluster id, when known (0 until the first meta node is committed).
    public var clusterID: UInt64
    /// The advertised HTTP address the node was registered with.
    public var httpAddress: String
    /// The advertised Raft address the node was registered with.
    public var raftAddress: String

    /// Creates an identity.
    public init(id: UInt64, clusterID: UInt64, httpAddress: String, raftAddress: String) {
        self.id = id
        self.clusterID = clusterID
        self.httpAddress = httpAddress
        self.raftAddress = raftAddress
    }

    /// The file name under `[meta] dir`.
    public static let fileName = "node.json"

    /// The identity file's path in `directory`.
    static func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// Reads the identity in `directory`; `nil` when the node has none yet.
    /// - Throws: ``MetaNodeError`` naming the file when it exists but cannot be read or decoded.
    public static func load(from directory: String) throws(MetaNodeError) -> NodeIdentity? {
        let path = Self.path(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(NodeIdentity.self, from: data)
        } catch {
            throw MetaNodeError(
                .badState,
                "\(path): cannot read the node identity (\(error)); restore the file from a backup or remove the node's dir and add it again"
            )
        }
    }

    /// Writes the identity into `directory` atomically.
    public func save(to directory: String) throws(MetaNodeError) {
        let path = Self.path(in: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MetaNodeError(.badState, "\(path): cannot write the node identity: \(error)")
        }
    }
}
