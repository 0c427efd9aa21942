import Foundation
import Synchronization

/// Directories ``makeTemporaryDirectory(_:)`` made, removed when the test process exits.
private let madeDirectories = Mutex<[String]>([])

/// A fresh directory under the system's temporary directory, removed with everything in it
/// when the test process exits normally (a crashed run keeps its directories for inspection;
/// so does `INFLUXD_META_KEEP_TEST_DIRS=1`). Cluster tests leave Raft logs of tens of MB.
public func makeTemporaryDirectory(_ prefix: String = "influxd-meta-test") throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let first = madeDirectories.withLock { made in
        made.append(path)
        return made.count == 1
    }
    if first, ProcessInfo.processInfo.environment["INFLUXD_META_KEEP_TEST_DIRS"] != "1" {
        atexit {
            for path in madeDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
    }
    return path
}
