import Glibc

/// Writes the apps' one-line messages to standard error, unbuffered (without Foundation's
/// `FileHandle`, and without touching C's shared `stderr` stream from Swift concurrency).
public enum StandardError {
    /// Writes `text` as is.
    public static func write(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    /// Writes `text` as is to `descriptor` (standard output, for an app's unbuffered lines).
    public static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
