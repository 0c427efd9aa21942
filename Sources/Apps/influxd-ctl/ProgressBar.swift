import Glibc
import Synchronization

/// A one-line progress bar on standard output, redrawn in place, for transfers of at least
/// ``threshold`` bytes; only when standard output is a terminal.
final class ProgressBar: Sendable {
    /// Smaller transfers draw nothing.
    static let threshold = 1 << 20
    /// Width of the bar in characters.
    static let width = 30

    let prefix: String
    // Invariant: the last percentage drawn (-1: nothing drawn); read and written under the lock.
    let drawn = Mutex(-1)

    /// A bar after `prefix`, or `nil` when standard output is not a terminal.
    init?(prefix: String) {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        self.prefix = prefix
    }

    /// Redraws the bar for `received` of `expected` bytes, when the percentage changed.
    @Sendable func update(_ received: Int, _ expected: Int?) {
        guard let expected, expected >= Self.threshold else { return }
        let percent = min(100, received * 100 / expected)
        let changed = drawn.withLock { last in
            guard percent != last else { return false }
            last = percent
            return true
        }
        guard changed else { return }
        let filled = Self.width * percent / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: Self.width - filled)
        let tenths = (expected * 10) >> 20
        print("\r\(prefix)[\(bar)] \(percent)% of \(tenths / 10).\(tenths % 10) MiB", terminator: "")
        fflush(nil)
    }

    /// Clears the bar, leaving the cursor after `prefix`.
    func finish() {
        guard drawn.withLock({ $0 }) >= 0 else { return }
        print("\r\u{1B}[K\(prefix)", terminator: "")
    }
}
