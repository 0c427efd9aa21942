#if canImport(Glibc)
    import Glibc
#endif

/// Raises the open-file limit to its hard maximum, as Go programs (Enterprise's) do at start:
/// every client connection, Raft peer and log segment takes a descriptor, and systemd's
/// default soft limit of 1024 runs out under load.
enum FileLimit {
    /// Raises the soft limit; returns the limit in force afterwards.
    @discardableResult
    static func raise() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
