import Glibc

/// The system's words for why a file operation fails, for one-line errors.
enum PosixReason {
    /// Why `path` cannot be written: checks the file if it exists, else its directory.
    static func forWriting(_ path: String) -> String {
        let target: String
        if access(path, F_OK) == 0 {
            target = path
        } else if let slash = path.lastIndex(of: "/") {
            target = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            target = "."
        }
        guard access(target, W_OK) != 0 else { return "the write failed" }
        return String(cString: strerror(errno))
    }
}
