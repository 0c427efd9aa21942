import FoundationEssentials
import TLS

/// The manifest `influxd-ctl backup` writes beside a metadata backup, and `restore` checks.
///
/// `<time>.manifest` (JSON) names `<time>.meta`, the protobuf `Data` of `Protos/influxd_meta.proto`
/// as the leader held it after a Raft barrier, with its size and SHA-256.
struct BackupManifest: Codable, Equatable {
    /// The format this build writes; a restore refuses a higher one.
    static let currentFormatVersion = 1

    /// The manifest's format.
    var formatVersion: Int
    /// The cluster the backup was taken from.
    var clusterID: UInt64
    /// The Raft index and term of the last command the backup holds.
    var index: UInt64
    var term: UInt64
    /// When the backup was taken, RFC 3339 in UTC.
    var time: String
    /// The metadata file.
    var meta: File

    /// A file of the backup: its name in the backup directory, size and SHA-256 (hex).
    struct File: Codable, Equatable {
        var file: String
        var size: Int
        var sha256: String
    }

    /// The manifest of `metaBytes`, taken at `date`, stored as `file`.
    init(clusterID: UInt64, index: UInt64, term: UInt64, date: Date, file: String, metaBytes: [UInt8]) {
        self.formatVersion = Self.currentFormatVersion
        self.clusterID = clusterID
        self.index = index
        self.term = term
        self.time = date.formatted(.iso8601)
        self.meta = File(file: file, size: metaBytes.count, sha256: SHA256Digest.hex(metaBytes))
    }

    /// The file-name stem of a backup taken at `date`: `20060102T150405Z`, as Enterprise names them.
    static func stem(for date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let text = String(value ?? 0)
            return text.count < 2 ? "0" + text : text
        }
        return "\(c.year ?? 0)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }
}
