import ArgumentParser
import FoundationEssentials
import Glibc
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl backup [-strategy only-meta] DIR`: the cluster's metadata, as the leader holds
    /// it after a Raft barrier (`GET /?consistent=true`), into `DIR/<time>.meta` and
    /// `DIR/<time>.manifest` (``BackupManifest``). Shard data needs data nodes: refused.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Backup a cluster's metadata",
            usage: "influxd-ctl backup [-strategy only-meta] <backup-dir>"
        )

        @Option(
            name: .go("strategy"),
            help: ArgumentHelp("only-meta (the only one this build has; incremental and full need data nodes).")
        )
        var strategy = "only-meta"

        @Flag(name: .go("full"), help: "Deprecated spelling of -strategy full: refused, as full is.")
        var full = false

        @Argument(help: "Directory to store backup files in (created if missing).")
        var directory: String

        func run() async throws {
            if full || strategy != "only-meta" {
                let asked = full ? "full" : strategy
                guard asked == "incremental" || asked == "full" else {
                    Ctl.fail(
                        "backup",
                        "-strategy \(asked): unknown strategy; use only-meta (incremental and full also exist in Enterprise)"
                    )
                }
                Ctl.fail(
                    "backup",
                    "-strategy \(asked) backs up shard data, which needs data nodes; this build backs up metadata only: use -strategy only-meta"
                )
            }
            let started = ContinuousClock.now
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                Ctl.fail("backup", "cannot create the backup directory \(directory): \(error)")
            }
            let connection = CtlConnection.open("backup")
            let bar = ProgressBar(prefix: "Backing up meta data... ")
            let client = connection.client(mediaType: "application/octet-stream", progress: bar?.update)
            print("Backing up meta data... ", terminator: "")
            fflush(nil)
            let bytes: [UInt8]
            let data: MetaData
            do {
                let reply = try await client.get(connection.bind, "/?consistent=true")
                guard reply.status == 200 else {
                    print("")
                    Ctl.fail("backup", answer: reply)
                }
                bytes = reply.body
                data = try MetaDataProtobuf.decode(bytes)
            } catch let error as MetaClientError {
                print("")
                Ctl.fail("backup", error, bind: connection.bind)
            } catch {
                print("")
                Ctl.fail("backup", "the leader's metadata does not decode: \(error)")
            }
            let date = Date()
            let stem = BackupManifest.stem(for: date)
            let manifest = BackupManifest(
                clusterID: data.clusterID,
                index: data.index,
                term: data.term,
                date: date,
                file: stem + ".meta",
                metaBytes: bytes
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                // The manifest goes last: a directory with a manifest holds the whole backup.
                try Data(bytes).write(to: URL(filePath: directory).appending(path: stem + ".meta"), options: .atomic)
                try encoder.encode(manifest).write(
                    to: URL(filePath: directory).appending(path: stem + ".manifest"),
                    options: .atomic
                )
            } catch {
                print("")
                Ctl.fail("backup", "cannot write the backup into \(directory): \(error)")
            }
            bar?.finish()
            print("Done. \(bytes.count) bytes transferred")
            let elapsed = GoDuration(ContinuousClock.now - started)
            print("Backed up to \(directory) in \(elapsed), transferred \(bytes.count) bytes")
        }
    }
}
