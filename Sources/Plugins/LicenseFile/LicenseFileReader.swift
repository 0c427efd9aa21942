import TLS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads license and issuer-key files with the system's reason on failure, and tells when a
/// file was replaced or edited.
public enum LicenseFileReader {
    /// What identifies one version of a file: device, inode, size and change times.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: [Int]
        var changed: [Int]
    }

    /// The identity of `path` now, or `nil` when it cannot be stat'ed.
    static func identity(of path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(
            device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino),
            size: Int64(info.st_size),
            modified: [info.st_mtim.tv_sec, info.st_mtim.tv_nsec],
            changed: [info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
        )
    }

    /// The bytes of `path`.
    /// - Throws: the system's reason in lower case (`no such file or directory`); for
    ///   `permission denied`, also the user the node runs as.
    public static func read(_ path: String) throws(ReadFailure) -> [UInt8] {
        do {
            return try RegularFile.read(path, maximumSize: maximumSize).bytes
        } catch {
            switch error {
            case .system(let code): throw ReadFailure(code: code)
            case .directory, .notRegular: throw ReadFailure(code: EISDIR, text: "not a regular file")
            case .tooLarge:
                throw ReadFailure(
                    code: EFBIG,
                    text: "larger than \(maximumSize / 1024) KiB, which no license or issuer key file is"
                )
            }
        }
    }

    /// The largest license or issuer-key file read (a license is about 1 KiB), so that a wrong
    /// path or a damaged file costs no more memory than that.
    public static let maximumSize = 64 * 1024

    /// A file that could not be read.
    public struct ReadFailure: Error {
        /// The `errno`.
        public var code: Int32
        /// The reason, one line.
        public var text: String

        init(code: Int32, text: String? = nil) {
            self.code = code
            if let text {
                self.text = text
            } else if code == EACCES {
                self.text =
                    "permission denied for user \(Self.userName) (the node's user); make the file readable by it"
            } else {
                let raw = String(cString: strerror(code))
                self.text = (raw.first?.lowercased() ?? "") + raw.dropFirst()
            }
        }

        /// The name of the effective user, or its uid.
        static var userName: String {
            let uid = geteuid()
            guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
            return String(cString: name)
        }
    }
}
