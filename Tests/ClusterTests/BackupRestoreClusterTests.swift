import Foundation
import MetaKernel
import TestSupport
import Testing

/// `influxd-ctl backup -strategy only-meta` and `restore -meta-only-overwrite-force` through the
/// built binaries on a three-node cluster with databases, policies, users, roles and data nodes.
@Suite("metadata backup and restore from the built binaries", .serialized)
struct BackupRestoreClusterTests {
    func execute(_ cluster: TestCluster, _ node: MetaProcess, _ json: String) async throws {
        let reply = try await cluster.client.post(node.httpAddress, "/execute", json: Array(json.utf8))
        #expect(reply.status == 200, "\(json): \(reply.text)")
    }

    /// The `.meta` file and manifest `backup` wrote into `directory`.
    func files(in directory: String) throws -> (meta: String, manifest: String) {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let meta = try #require(names.first { $0.hasSuffix(".meta") })
        let manifest = try #require(names.first { $0.hasSuffix(".manifest") })
        #expect(names.count == 2, "\(names)")
        return ("\(directory)/\(meta)", "\(directory)/\(manifest)")
    }

    /// A copy of the backup directory, changed by `edit(metaPath, manifestPath)`.
    func damagedCopy(of directory: String, _ edit: (String, String) throws -> Void) throws -> String {
        let copy = try makeTemporaryDirectory("damaged")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            try FileManager.default.copyItem(atPath: "\(directory)/\(name)", toPath: "\(copy)/\(name)")
        }
        let (meta, manifest) = try files(in: copy)
        try edit(meta, manifest)
        return copy
    }

    @Test("back up, change, restore: every node holds the backup's metadata; refusals")
    func backupAndRestore() async throws {
        let cluster = try TestCluster(count: 3)
        defer { Task { await cluster.stopAll() } }
        try await cluster.startAll()
        try await cluster.joinAll()
        let leader = try await cluster.leader()
        let first = try FakeDataNode()
        let second = try FakeDataNode()
        let third = try FakeDataNode()
        defer {
            first.close()
            second.close()
            third.close()
        }
        try await cluster.ctl(leader, ["add-data", first.address]).expectSuccess()
        try await cluster.ctl(leader, ["add-data", second.address]).expectSuccess()
        try await execute(cluster, leader, #"{"type":"create-database","name":"db1"}"#)
        try await execute(
            cluster,
            leader,
            #"{"type":"create-database","name":"db2","retentionPolicy":{"name":"week","duration":604800000000000,"replicaN":2}}"#
        )
        try await cluster.ctl(leader, ["user", "create", "alice", "-password", "apw"]).expectSuccess()
        try await cluster.ctl(leader, ["role", "create", "readers"]).expectSuccess()

        let directory = try makeTemporaryDirectory("backup") + "/meta-backup"
        let backup = try await cluster.ctl(cluster.nodes[2], ["backup", "-strategy", "only-meta", directory])
        backup.expectSuccess()
        let (metaPath, manifestPath) = try files(in: directory)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: metaPath)))
        #expect(
            backup.stdout.split(separator: "\n").map(String.init).map {
                $0.replacing(/in [0-9.]+[µnm]?s,/, with: "in T,")
            }
                == [
                    "Backing up meta data... Done. \(bytes.count) bytes transferred",
                    "Backed up to \(directory) in T, transferred \(bytes.count) bytes",
                ],
            "\(backup.stdout)"
        )
        let saved = try MetaDataProtobuf.decode(bytes)
        let atBackup = try await cluster.data(leader)
        #expect(saved == atBackup)
        #expect(saved.databases.map(\.name) == ["db1", "db2"] && saved.dataNodes.count == 2 && saved.users.count == 1)
        struct Manifest: Decodable {
            var formatVersion: Int
            var clusterID: UInt64
            var index: UInt64
            var term: UInt64
            struct File: Decodable {
                var file: String
                var size: Int
            }
            var meta: File
        }
        let manifest = try JSONDecoder().decode(
            Manifest.self,
            from: Data(contentsOf: URL(fileURLWithPath: manifestPath))
        )
        #expect(manifest.formatVersion == 1 && manifest.clusterID == saved.clusterID && manifest.index == saved.index)
        #expect(manifest.term == saved.term && manifest.meta.size == bytes.count)
        #expect(metaPath.hasSuffix("/" + manifest.meta.file))

        // Change everything the backup holds.
        try await execute(cluster, leader, #"{"type":"drop-database","name":"db1"}"#)
        try await execute(cluster, leader, #"{"type":"create-database","name":"db3"}"#)
        try await cluster.ctl(leader, ["remove-data", second.address]).expectSuccess()
        try await cluster.ctl(leader, ["add-data", third.address]).expectSuccess()
        try await cluster.ctl(leader, ["user", "create", "bob", "-password", "bpw"]).expectSuccess()
        let changed = try await cluster.waitForConvergence()
        #expect(changed.databases.map(\.name) == ["db2", "db3"])

        let unforced = try await cluster.ctl(leader, ["restore", directory])
        #expect(unforced.status == 1 && unforced.stdout == "")
        #expect(
            unforced.stderr
                == "restore: this build restores metadata only, replacing the cluster's databases, users, roles and data nodes with the backup's: pass -meta-only-overwrite-force to go ahead\n"
        )
        let corrupted = try damagedCopy(of: directory) { meta, _ in
            var body = try Data(contentsOf: URL(fileURLWithPath: meta))
            body[body.count / 2] ^= 0x01
            try body.write(to: URL(fileURLWithPath: meta))
        }
        let refused = try await cluster.ctl(leader, ["restore", "-meta-only-overwrite-force", corrupted])
        #expect(refused.status == 1 && refused.stdout == "")
        #expect(refused.stderr.hasSuffix("the backup is damaged; restore another backup\n"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let newer = try damagedCopy(of: directory) { _, manifest in
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            try text.replacing(#""formatVersion" : 1"#, with: #""formatVersion" : 2"#)
                .write(toFile: manifest, atomically: true, encoding: .utf8)
        }
        let tooNew = try await cluster.ctl(leader, ["restore", "-meta-only-overwrite-force", newer])
        #expect(tooNew.status == 1)
        #expect(tooNew.stderr.contains("is backup format 2; this influxd-ctl reads format 1"), "\(tooNew.stderr)")
        #expect(try await cluster.data(leader).databases.map(\.name) == ["db2", "db3"])

        let before = try await cluster.data(leader)
        let restore = try await cluster.ctl(cluster.nodes[1], ["restore", "-meta-only-overwrite-force", directory])
        restore.expectSuccess()
        #expect(
            restore.stdout.hasPrefix("Using backup directory: \(directory)\nUsing meta backup: \(manifest.meta.file)\n")
        )
        #expect(restore.stdout.contains("Restoring meta data... Done. Restored in "), "\(restore.stdout)")
        let restored = try await cluster.waitForConvergence(atLeast: before.index + 1)
        #expect(restored.databases == saved.databases)
        #expect(restored.dataNodes == saved.dataNodes)
        #expect(restored.users == saved.users && restored.roles == saved.roles)
        #expect(restored.leases.isEmpty)
        // Kept: the live cluster's identity and meta nodes; ids never go back.
        #expect(restored.clusterID == before.clusterID && restored.metaNodes == before.metaNodes)
        #expect(restored.maxNodeID == before.maxNodeID && restored.maxNodeID > saved.maxNodeID)

        // Only metadata backups exist in this build.
        let full = try await cluster.ctl(leader, ["backup", "-strategy", "incremental", directory])
        #expect(full.status == 1)
        #expect(
            full.stderr
                == "backup: -strategy incremental backs up shard data, which needs data nodes; this build backs up metadata only: use -strategy only-meta\n"
        )
    }
}
