import Foundation

/// A fresh directory under the system's temporary directory.
public func makeTemporaryDirectory(_ prefix: String = "influxd-meta-test") throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
