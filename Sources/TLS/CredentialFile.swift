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
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw TLSError(
                code == ENOENT || code == ENOTDIR ? .fileNotFound : .unreadableFile,
                "\(setting) \(path): \(errorText(code))"
            )
        }
        defer { _ = close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw TLSError(.unreadableFile, "\(setting) \(path): \(errorText(errno))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let what = (info.st_mode & S_IFMT) == S_IFDIR ? "is a directory" : "is not a regular file"
            throw TLSError(.unreadableFile, "\(setting) \(path): \(what)")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { readDescriptor(descriptor, into: $0) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw TLSError(.unreadableFile, "\(setting) \(path): \(errorText(errno))")
            }
        }
        return CredentialFile(path: path, bytes: bytes, permissions: UInt32(info.st_mode) & 0o7777)
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

/// `read(2)` into `buffer`; a free function so the name is not shadowed by ``CredentialFile/read(_:setting:)``.
private func readDescriptor(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
