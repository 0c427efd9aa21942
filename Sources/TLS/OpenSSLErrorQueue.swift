import COpenSSL

/// The calling thread's OpenSSL error queue.
///
/// The queue is per thread: clear it right before an OpenSSL call whose failure is reported,
/// and drain it right after, with no suspension point in between.
enum OpenSSLErrorQueue {
    /// Empties the queue. It is usually empty already, and looking costs a fraction of clearing
    /// all of its slots, which runs before every read and write of every connection.
    static func clear() {
        if ERR_peek_error() != 0 {
            ERR_clear_error()
        }
    }

    /// Empties the queue and returns its entries, oldest first, in OpenSSL's
    /// `error:05800074:x509 certificate routines::key values mismatch` form.
    static func drain() -> [String] {
        var entries: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            entries.append(describe(code))
        }
        return entries
    }

    /// The text of one packed OpenSSL error code.
    static func describe(_ code: UInt) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            buffer.initialize(repeating: 0)
            ERR_error_string_n(code, buffer.baseAddress, buffer.count)
            return String(cString: buffer.baseAddress!)
        }
    }

    /// `" (entry; entry)"`, or `""` when there are no entries: the suffix every message that
    /// carries OpenSSL's reasons ends with.
    static func suffix(_ entries: [String]) -> String {
        entries.isEmpty ? "" : " (\(entries.joined(separator: "; ")))"
    }
}
