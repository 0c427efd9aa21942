import ArgumentParser
import FoundationEssentials
import Glibc
import MetaKernel
import TLS

extension InfluxdCtl {
    /// `influxd-ctl restore -meta-only-overwrite-force DIR`: replaces the cluster's metadata with
    /// the newest backup in DIR, through Raft (`POST /restore`, one `set-data` command). Refused
    /// without the flag, for a damaged file (size or SHA-256), or a newer manifest format.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a cluster's metadata from a backup",
            usage: "influxd-ctl restore -meta-only-overwrite-force <backup-dir>"
        )

        @Flag(
            name: .go("meta-only-overwrite-force"),
            help: "Replace the cluster's metadata (databases, users, roles, data nodes) with the backup's."
        )
        var metaOnlyOverwriteForce = false

        @Argument(help: "Directory holding the backup files (the newest manifest is used).")
        var directory: String

        func run() async throws {
            guard metaOnlyOverwriteForce else {
                Ctl.fail(
                    "restore",
                    "this build restores metadata only, replacing the cluster's databases, users, roles and data nodes with the backup's: pass -meta-only-overwrite-force to go ahead"
                )
            }
            let started = ContinuousClock.now
            let (manifestName, manifest) = Self.newestManifest(in: directory)
            let metaPath = URL(filePath: directory).appending(path: manifest.meta.file)
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: metaPath))
            } catch {
                Ctl.fail("restore", "cannot read \(metaPath.path()), named by \(manifestName): \(Self.reason(error))")
            }
            guard bytes.count == manifest.meta.size, SHA256Digest.hex(bytes) == manifest.meta.sha256 else {
                Ctl.fail(
                    "restore",
                    "\(metaPath.path()) does not match the size and SHA-256 in \(manifestName): the backup is damaged; restore another backup"
                )
            }
            print("Using backup directory: \(directory)")
            print("Using meta backup: \(manifest.meta.file)")
            print("Restoring meta data... ", terminator: "")
            fflush(nil)
            let connection = CtlConnection.open("restore")
            let client = connection.client(mediaType: "application/octet-stream")
            let restoring = ContinuousClock.now
            do {
                let reply = try await client.post(connection.bind, "/restore", json: bytes)
                guard reply.status == 200 else {
                    print("")
                    Ctl.fail("restore", answer: reply)
                }
            } catch {
                print("")
                Ctl.fail("restore", error, bind: connection.bind)
            }
            print("Done. Restored in \(GoDuration(ContinuousClock.now - restoring))")
            let elapsed = GoDuration(ContinuousClock.now - started)
            print("Restored from \(directory) in \(elapsed), transferred \(bytes.count) bytes")
        }

        /// The newest `*.manifest` in `directory` (names are UTC times, so the greatest), read
        /// and checked for a format this build knows; exits with one line otherwise.
        static func newestManifest(in directory: String) -> (String, BackupManifest) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                Ctl.fail(
                    "restore",
                    "cannot read the backup directory \(directory): \(Self.reason(error)); give the directory influxd-ctl backup wrote"
                )
            }
            guard let name = names.filter({ $0.hasSuffix(".manifest") }).max() else {
                Ctl.fail("restore", "\(directory) holds no .manifest file; give the directory influxd-ctl backup wrote")
            }
            let path = URL(filePath: directory).appending(path: name)
            let manifest: BackupManifest
            do {
                let bytes = try Data(contentsOf: path)
                let version = try JSONDecoder().decode(FormatVersion.self, from: bytes).formatVersion
                guard version <= BackupManifest.currentFormatVersion else {
                    Ctl.fail(
                        "restore",
                        "\(path.path()) is backup format \(version); this influxd-ctl reads format \(BackupManifest.currentFormatVersion) and older: use a newer influxd-ctl"
                    )
                }
                manifest = try JSONDecoder().decode(BackupManifest.self, from: bytes)
            } catch {
                Ctl.fail("restore", "\(path.path()) is not a backup manifest: \(error)")
            }
            guard !manifest.meta.file.contains("/") else {
                Ctl.fail("restore", "\(path.path()) names \(manifest.meta.file), outside the backup directory")
            }
            return (path.path(), manifest)
        }

        /// A file error in a few words.
        static func reason(_ error: any Error) -> String {
            switch (error as? CocoaError)?.code {
            case .fileReadNoSuchFile?, .fileNoSuchFile?: "no such file or directory"
            case .fileReadNoPermission?: "permission denied"
            default: "\(error)"
            }
        }

        private struct FormatVersion: Decodable {
            var formatVersion: Int
        }
    }
}
