#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

/// The bytes and permission bits of a certificate, key or CA file, read in one open.
struct CredentialFile {
    /// The file as given in the configuration.
    var path: String
    /// Its contents.
    var bytes: [UInt8]
    /// Its permission bits (`st_mode & 0o7777`).
    var permissions: UInt32

    /// Reads `path`.
    /// - Parameter setting: How the setting is named in messages (`[meta] https-certificate`).
    /// - Throws: ``TLSError`` `fileNotFound` or `unreadableFile`, in the form
    ///   `[meta] https-certificate /etc/ssl/c.pem: no such file or directory`.
    static func read(_ path: String, setting: String) throws(TLSError) -> CredentialFile {
        do {
            let file = try RegularFile.read(path)
            return CredentialFile(path: path, bytes: file.bytes, permissions: file.permissions)
        } catch {
            switch error {
            case .system(let code):
                throw TLSError(
                    code == ENOENT || code == ENOTDIR ? .fileNotFound : .unreadableFile,
                    "\(setting) \(path): \(errorText(code))"
                )
            case .directory:
                throw TLSError(.unreadableFile, "\(setting) \(path): is a directory")
            case .notRegular, .tooLarge:
                throw TLSError(.unreadableFile, "\(setting) \(path): is not a regular file")
            }
        }
    }

    /// Whether group or others have any access to the file.
    var isAccessibleByOthers: Bool {
        permissions & 0o077 != 0
    }

    /// `0640`-style octal permissions.
    var octalPermissions: String {
        let digits = String(permissions, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `strerror` text in Go's lower-case style: `no such file or directory`.
    static func errorText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }
}
