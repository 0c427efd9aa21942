import Foundation
import Glibc
import Synchronization

/// The process's open descriptors, from `/proc/self/fd`: number → what it refers to (a path,
/// `socket:[inode]`, `anon_inode:[eventfd]`, …).
public func openDescriptors() -> [Int32: String] {
    var found: [Int32: String] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
        // The scan's own descriptor is closed by now, and skipped.
        guard let fd = Int32(name), let target = DescriptorCanary.target(of: fd) else { continue }
        found[fd] = target
    }
    return found
}

/// The inodes of the process's TCP sockets that have one of `ports` at either end, from
/// `/proc/self/net/tcp` and `tcp6`.
public func tcpSocketInodes(onPorts ports: Set<Int>) -> Set<String> {
    var inodes: Set<String> = []
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        guard let text = readProcFile(table) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: " ")
            guard columns.count > 9 else { continue }
            let endPorts = [columns[1], columns[2]].compactMap {
                $0.split(separator: ":").last.flatMap { Int($0, radix: 16) }
            }
            if endPorts.contains(where: ports.contains) { inodes.insert("socket:[\(columns[9])]") }
        }
    }
    return inodes
}

/// The whole of a `/proc` file, which reports its size as 0 and is read until end of file.
func readProcFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if got < 0 && errno == EINTR { continue }
        guard got > 0 else { break }
        bytes += chunk.prefix(got)
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Of `descriptors`, those a test's own nodes can have opened: files under `directory`, TCP
/// sockets on `ports`, and anonymous inodes (event loops, timers). Files, sockets and pipes of
/// other tests running in the same process at the time are left out.
public func descriptors(
    _ descriptors: [Int32: String],
    under directory: String,
    onPorts ports: Set<Int>
) -> [Int32: String] {
    let sockets = tcpSocketInodes(onPorts: ports)
    return descriptors.filter { _, target in
        if target.hasPrefix("/") { return target.hasPrefix(directory) }
        if target.hasPrefix("socket:") { return sockets.contains(target) }
        return target.hasPrefix("anon_inode:")
    }
}

/// An empty file of the test's own at a descriptor number, to catch a write or a close that
/// reaches the number after its owner closed it: the next file the process opens takes the
/// lowest free number (a Raft segment after a watchdog restart, say), so a stale write or close
/// lands there.
public struct DescriptorCanary: Sendable {
    /// The descriptor.
    public let fd: Int32
    /// The canary's file as `/proc/self/fd` shows it; only this canary opens it.
    let path: String

    /// Opens `path` (created empty) as a canary at the lowest free number.
    public init?(path: String) {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard let shown = Self.target(of: fd) else {
            close(fd)
            return nil
        }
        self.init(fd: fd, path: shown)
    }

    /// What `fd` refers to, as `/proc/self/fd` shows it; `nil` when it is not open.
    static func target(of fd: Int32) -> String? {
        var target = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/fd/\(fd)", &target, target.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A canary at exactly `number`, or `nil` when another descriptor holds it.
    public static func taking(_ number: Int32, path: String) -> DescriptorCanary? {
        guard let first = DescriptorCanary(path: path) else { return nil }
        guard first.fd != number else { return first }
        let moved = fcntl(first.fd, F_DUPFD_CLOEXEC, number)
        close(first.fd)
        guard moved >= 0 else { return nil }
        guard moved == number else {
            close(moved)
            return nil
        }
        return DescriptorCanary(fd: moved, path: first.path)
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// What reached the canary, in one line, or `nil` when nothing did; then closes it (unless
    /// someone else closed it, and its number may now be theirs).
    public func release() -> String? {
        guard let now = Self.target(of: fd) else {
            return "descriptor \(fd) was closed by someone other than its owner"
        }
        guard now == path else {
            return "descriptor \(fd) was closed by someone other than its owner, and now refers to \(now)"
        }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: min(Int(size), 64))
        let n = pread(fd, &bytes, bytes.count, 0)
        let hex = bytes.prefix(max(n, 0)).map { String($0, radix: 16) }.joined(separator: " ")
        return "\(size) bytes were written to descriptor \(fd) after its owner closed it: \(hex)"
    }
}

/// A thread that, over and over, fills every free descriptor number below the highest in use
/// with a ``DescriptorCanary``, holds them briefly and checks them: it catches writes and
/// closes that reach a descriptor number after its owner closed it, while the process runs.
public final class DescriptorCanaries: Sendable {
    private let directory: String
    private let state = Mutex((running: true, problems: [String](), rounds: 0))
    private let done = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let finished = Mutex(false)

    /// Starts the thread; its files live in `directory`.
    public init(directory: String) {
        self.directory = directory
        let thread = Thread { [self] in run() }
        thread.name = "fd-canaries"
        thread.start()
    }

    /// Stops the thread; returns what reached the canaries, one line each, and how many rounds
    /// of canaries it placed.
    public func stop() async -> (problems: [String], rounds: Int) {
        state.withLock { $0.running = false }
        await withCheckedContinuation { continuation in
            let already = finished.withLock { finished in
                if !finished { done.withLock { $0 = continuation } }
                return finished
            }
            if already { continuation.resume() }
        }
        return state.withLock { ($0.problems, $0.rounds) }
    }

    private func run() {
        while state.withLock({ $0.running }) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            let highest = names.compactMap { Int32($0) }.max() ?? 0
            var held: [DescriptorCanary] = []
            while held.count < 512, let canary = DescriptorCanary(path: "\(directory)/canary-\(held.count)") {
                if canary.fd > highest {
                    _ = canary.release()
                    break
                }
                held.append(canary)
            }
            usleep(300)
            let problems = held.compactMap { $0.release() }
            state.withLock {
                $0.problems += problems
                $0.rounds += held.isEmpty ? 0 : 1
            }
        }
        let waiter = finished.withLock { finished in
            finished = true
            return done.withLock { $0 }
        }
        waiter?.resume()
    }
}
