import ArgumentParser
import FoundationEssentials
import Glibc
import LicenseFile
import MetaKernel

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
        StandardError.write("influx-license: \(message)\n")
        Glibc.exit(1)
    }

    /// `text` without leading and trailing whitespace.
    static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Writes `text` to standard output, unbuffered (without Foundation's `FileHandle`).
    static func writeStandardOutput(_ text: String) {
        StandardError.write(text, to: STDOUT_FILENO)
    }

    /// Creates the folder `path` and its parents (mode 0755); `nil`, or the system's reason.
    static func makeFolder(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { return String(cString: strerror(errno)).lowercased() }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return "not a folder" }
        return nil
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
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
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
