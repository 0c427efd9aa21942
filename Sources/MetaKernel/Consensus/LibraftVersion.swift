import CPosix
import CRaft

/// Which libraft release the process loaded, told from what the library exports and does.
///
/// `RaftNode` uses fields of libraft's structures (LibraftInternals.swift) whose layout and
/// meaning hold for the release they were read from, so a node refuses to start with a libraft
/// this build was not tested with. libraft 0.15.0 has no `raft_version_number()` (0.17.1 added
/// it), so older releases are told apart by what they added: `raft_heap_get` (0.16.0) and
/// `raft_io.async_work` (0.15.0). The soname `libraft.so.2` covers 0.13.0 to 0.16.0; 0.17.1
/// and later are `libraft.so.3`, which a build linked against 0.15.0 does not load at all.
struct LibraftVersion: Equatable, Sendable {
    /// `raft_version_number()`, when the library exports it: major × 10000 + minor × 100 +
    /// release (0.17.1's header says major 1, so it reports 11701).
    var number: Int32?
    /// Whether the library exports `raft_heap_get`.
    var exportsHeapGet: Bool
    /// Whether `raft_uv_init` fills `raft_io.async_work`.
    var fillsAsyncWork: Bool

    /// The releases this build was tested with.
    static let tested = ["0.15.0"]

    /// The release, as `major.minor.release`.
    var release: String {
        if let number { return "\(number / 10000).\(number / 100 % 100).\(number % 100)" }
        if exportsHeapGet { return "0.16.0" }
        if fillsAsyncWork { return "0.15.0" }
        return "0.14.0 or older"
    }

    /// Throws unless this build was tested with this release; `library` names the file.
    func check(library: String) throws(LibraftVersionError) {
        guard Self.tested.contains(release) else { throw .untested(release: release, library: library) }
    }

    /// The libraft this process loaded, and the path of its file.
    static let loaded: (version: LibraftVersion, library: String) = {
        // Any libraft function locates the library; symbols are looked up in that file only.
        let anchor: @convention(c) (Int32) -> UnsafePointer<CChar>? = raft_strerror
        let address = unsafeBitCast(anchor, to: UnsafeRawPointer.self)
        let number = cposix_object_symbol(address, "raft_version_number").map {
            unsafeBitCast($0, to: (@convention(c) () -> Int32).self)()
        }
        let version = LibraftVersion(
            number: number,
            exportsHeapGet: cposix_object_symbol(address, "raft_heap_get") != nil,
            fillsAsyncWork: uvInitFillsAsyncWork()
        )
        return (version, cposix_object_path(address).map { String(cString: $0) } ?? "libraft")
    }()
}

/// The loaded libraft is not a release this build was tested with.
enum LibraftVersionError: Error, CustomStringConvertible {
    case untested(release: String, library: String)

    var description: String {
        switch self {
        case .untested(let release, let library):
            "libraft \(release) (\(library)) is not a version this build was tested with (tested: \(LibraftVersion.tested.joined(separator: ", "))); install libraft2 0.15.0 (Debian 12's libraft2 and libraft-dev), or port Sources/MetaKernel/Consensus/LibraftInternals.swift to it and rebuild"
        }
    }
}

extension RaftNode {
    /// Refuses a libraft this build was not tested with (see ``LibraftVersion``), before any of
    /// its structures' fields is used.
    public static func checkLibraft() throws {
        let loaded = LibraftVersion.loaded
        try loaded.version.check(library: loaded.library)
    }
}
