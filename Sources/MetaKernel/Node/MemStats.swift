import FoundationEssentials

/// `memstats` in `GET /debug/vars`: the process memory the kernel reports, under the names of
/// Go's `runtime.MemStats` that monitoring tools read from the original's `/debug/vars`.
public struct MemStats: Sendable, Codable, Equatable {
    /// `Sys`: resident set size in bytes (`VmRSS` in `/proc/self/status`).
    public var sys: UInt64
    /// `HeapSys`: data segment size in bytes, heap included (`VmData`).
    public var heapSys: UInt64
    /// `MaxRSS`: peak resident set size in bytes (`VmHWM`).
    public var maxRSS: UInt64

    enum CodingKeys: String, CodingKey {
        case sys = "Sys"
        case heapSys = "HeapSys"
        case maxRSS = "MaxRSS"
    }

    /// The process's figures now; zeros where `/proc/self/status` cannot be read.
    public static func current() -> MemStats {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        var kilobytes: [Substring: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            if fields.count >= 2, let value = UInt64(fields[1]) { kilobytes[fields[0]] = value }
        }
        return MemStats(
            sys: (kilobytes["VmRSS"] ?? 0) * 1024,
            heapSys: (kilobytes["VmData"] ?? 0) * 1024,
            maxRSS: (kilobytes["VmHWM"] ?? 0) * 1024
        )
    }
}
