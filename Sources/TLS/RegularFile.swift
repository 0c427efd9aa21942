import CPosix

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

/// A regular file's bytes and permission bits, read in one open: what the credential and
/// license readers share; each words the failure for its own setting.
public struct RegularFile: Sendable {
    /// Its contents.
    public var bytes: [UInt8]
    /// Its permission bits (`st_mode & 0o7777`).
    public var permissions: UInt32

    /// Why a file could not be read.
    public enum Failure: Error, Sendable {
        /// `open`, `fstat` or `read` failed with this `errno`.
        case system(Int32)
        /// The path names a directory.
        case directory
        /// The path names something else that is not a regular file (a FIFO, a device).
        case notRegular
        /// The file holds more than the reader's `maximumSize` bytes.
        case tooLarge
    }

    /// Reads `path`, refusing files of more than `maximumSize` bytes without reading further.
    public static func read(_ path: String, maximumSize: Int = .max) throws(Failure) -> RegularFile {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(errno) }
        defer { _ = close(descriptor) }
        var kind: Int32 = 0
        var permissions: UInt32 = 0
        guard cposix_file_kind(descriptor, &kind, &permissions) == 0 else { throw .system(errno) }
        switch kind {
        case 1: break
        case 2: throw .directory
        default: throw .notRegular
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { readDescriptor(descriptor, into: $0) }
            if count > 0 {
                guard bytes.count + count <= maximumSize else { throw .tooLarge }
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return RegularFile(bytes: bytes, permissions: permissions)
            } else if errno != EINTR {
                throw .system(errno)
            }
        }
    }
}

/// `read(2)` into `buffer`; a free function so the name is not shadowed by ``RegularFile/read(_:)``.
private func readDescriptor(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
