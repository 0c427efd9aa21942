import ArgumentParser
import Foundation
import LicenseFile

/// `influx-license keygen|issue|inspect|serve`: makes issuer keys and signed license files for
/// `[enterprise] license-path`, checks them, and serves licenses for `license-key` (docs/LICENSING.md).
@main
struct InfluxLicense: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "influx-license",
        abstract: "Makes and checks InfluxDB Enterprise license files.",
        subcommands: [Keygen.self, Issue.self, Inspect.self, Serve.self]
    )

    /// Writes `influx-license: message` to standard error and exits 1.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("influx-license: \(message)\n".utf8))
        Foundation.exit(1)
    }

    /// The bytes of `path`, or exit 1 naming `option` and the file; read as a node reads
    /// license and issuer-key files, so that inspect refuses what a node refuses.
    static func read(_ path: String, option: String) -> [UInt8] {
        do {
            return try LicenseFileReader.read(path)
        } catch {
            fail("\(option) \(path): \(error.text)")
        }
    }

    /// Writes `bytes` to `path` with `mode`, or exits 1 with the system's reason. With
    /// `exclusive` an existing file is refused; otherwise the file is replaced atomically (a
    /// temporary file in the same folder, renamed over it), so that a node re-reading a license
    /// while it is being replaced sees the old file or the new one, never a part.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, exclusive: Bool) {
        let target = exclusive ? path : "\(path).tmp-\(getpid())"
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let descriptor = open(target, flags, mode)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            fail("\(path): \(reason)\(errno == EEXIST ? "; remove it or choose another -out" : "")")
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            guard written > 0 else {
                let reason = String(cString: strerror(errno)).lowercased()
                close(descriptor)
                if !exclusive { unlink(target) }
                fail("\(path): \(reason)")
            }
            offset += written
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard !exclusive else { return }
        guard synced, rename(target, path) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            unlink(target)
            fail("\(path): \(reason)")
        }

    }
}
