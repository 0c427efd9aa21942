import FoundationEssentials

/// What a node says about itself in `POST /announce`: its addresses, status and version.
///
/// Held in memory only (``Announcements``), never in Raft: `show` takes versions and statuses
/// from it. `time` is when the node announced, Unix nanoseconds; a body may give it as a number
/// or as an RFC 3339 string (Go's `time.Time`), and a missing one is stamped by the receiver.
public struct Announcement: Codable, Sendable, Equatable {
    /// The node's TCP address: the RPC address `host:8088` of a data node, the Raft address of a meta node.
    public var tcpAddr: String
    /// The node's HTTP address.
    public var httpAddr: String
    /// `http` or `https`.
    public var httpScheme: String
    /// When the node announced, Unix nanoseconds; 0 until stamped.
    public var time: Int64
    /// `data` or `meta`.
    public var nodeType: String
    /// What the node reports of itself (`joined`, ...).
    public var status: String
    /// The node's software version.
    public var version: String

    /// Creates an announcement.
    public init(
        tcpAddr: String,
        httpAddr: String,
        httpScheme: String = "http",
        time: Int64 = 0,
        nodeType: String = "data",
        status: String = "joined",
        version: String = "unknown"
    ) {
        self.tcpAddr = tcpAddr
        self.httpAddr = httpAddr
        self.httpScheme = httpScheme
        self.time = time
        self.nodeType = nodeType
        self.status = status
        self.version = version
    }

    private enum CodingKeys: String, CodingKey {
        case tcpAddr, httpAddr, httpScheme, time, nodeType, status, version
    }

    /// Decodes a body; only `tcpAddr` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tcpAddr = try c.decode(String.self, forKey: .tcpAddr)
        httpAddr = try c.decodeIfPresent(String.self, forKey: .httpAddr) ?? ""
        httpScheme = try c.decodeIfPresent(String.self, forKey: .httpScheme) ?? "http"
        nodeType = try c.decodeIfPresent(String.self, forKey: .nodeType) ?? "data"
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? "joined"
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? "unknown"
        if let nanoseconds = try? c.decodeIfPresent(Int64.self, forKey: .time) {
            time = nanoseconds
        } else if let text = try c.decodeIfPresent(String.self, forKey: .time) {
            guard let parsed = Self.parseTime(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .time,
                    in: c,
                    debugDescription: "\"\(text)\" is neither Unix nanoseconds nor an RFC 3339 time"
                )
            }
            time = parsed
        } else {
            time = 0
        }
    }

    /// `2026-12-06T07:00:00.123456789Z` (or with an offset) as Unix nanoseconds.
    static func parseTime(_ text: String) -> Int64? {
        var whole = text
        var fraction: Int64 = 0
        if let dot = text.firstIndex(of: ".") {
            let rest = text[text.index(after: dot)...]
            let digits = rest.prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            fraction = Int64(digits + String(repeating: "0", count: 9 - digits.count)) ?? 0
            whole = String(text[..<dot]) + rest.dropFirst(digits.count)
        }
        guard let date = try? Date(whole, strategy: .iso8601) else { return nil }
        return Int64(date.timeIntervalSince1970) * 1_000_000_000 + fraction
    }

    /// Problems with the fields that `show` relies on, or `nil`.
    var problem: String? {
        guard (try? HostPort(parsing: tcpAddr)) != nil else {
            return "tcpAddr: \"\(tcpAddr)\" is not a host:port address"
        }
        guard nodeType == "data" || nodeType == "meta" else {
            return "nodeType: \"\(nodeType)\" is neither \"data\" nor \"meta\""
        }
        return nil
    }
}
