import FoundationEssentials
import Glibc

/// POSIX access to the configuration file, with Go-style error text (`open /x: permission denied`).
enum ConfigFile {
    /// Files larger than this are rejected (guards against `-config /dev/zero`).
    static let maximumSize = 16 << 20

    /// Whether `path` exists. A path that cannot be checked for another reason than "missing" (such as a permission
    /// problem) counts as existing, so that reading it reports the real error instead of silently falling back.
    static func exists(_ path: String) -> Bool {
        if access(path, F_OK) == 0 {
            return true
        }
        let code = errno
        return code != ENOENT && code != ENOTDIR
    }

    /// Reads `path` as UTF-8 text.
    /// - Throws: ``ConfigError`` `open <path>: <errno text>`, `read <path>: <errno text>`, or a size or encoding
    ///   problem.
    static func contents(of rawPath: String) throws(ConfigError) -> String {
        let path = ConfigText.displayPath(rawPath)
        // O_NONBLOCK: opening a FIFO nobody writes to must not hang start-up (found by the fuzzer).
        let descriptor = open(rawPath, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            let message = "open \(path): \(errorText(code))"
            throw code == ENOENT ? .fileNotFound(message) : .unreadableFile(message)
        }
        defer { close(descriptor) }
        let resolved = URL(fileURLWithPath: rawPath).resolvingSymlinksInPath().path
        let kind = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType
        if kind == .typeDirectory { throw .unreadableFile("read \(path): is a directory") }
        guard kind == .typeRegular || kind == .typeCharacterSpecial else {
            throw .unreadableFile("read \(path): not a regular file; give -config the path of a TOML file")
        }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .unreadableFile("read \(path): \(errorText(code))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > maximumSize {
                throw .unreadableFile("read \(path): the file is larger than \(maximumSize >> 20) MiB")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadableFile("read \(path): the file is not UTF-8 text")
        }
        return text
    }

    /// `strerror` text with a lower-case first letter, as Go prints it: `no such file or directory`.
    private static func errorText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
