/// The body of `GET /show-cluster`.
public struct ShowCluster: Codable, Sendable, Equatable {
    /// A data node: its record in the metadata, with the version and status it last announced.
    public struct Data: Codable, Sendable, Equatable {
        /// Node id.
        public var id: UInt64
        /// RPC address, `host:8088`.
        public var tcpAddr: String
        /// HTTP address, `host:8086`.
        public var httpAddr: String
        /// `http` or `https`, as announced (`http` until then).
        public var httpScheme: String
        /// As announced; `joined` until the node announces.
        public var status: String
        /// As announced; `unknown` until the node announces.
        public var version: String
        /// Operator labels.
        public var labels: [String: String]
        /// Whether the node owns no shards.
        public var passive: Bool

        /// Creates an entry.
        public init(
            id: UInt64,
            tcpAddr: String,
            httpAddr: String,
            httpScheme: String = "http",
            status: String = "joined",
            version: String = "unknown",
            labels: [String: String] = [:],
            passive: Bool = false
        ) {
            self.id = id
            self.tcpAddr = tcpAddr
            self.httpAddr = httpAddr
            self.httpScheme = httpScheme
            self.status = status
            self.version = version
            self.labels = labels
            self.passive = passive
        }

        private enum CodingKeys: String, CodingKey {
            case id, tcpAddr, httpAddr, addr, httpScheme, status, version, labels, passive
        }

        /// Decodes an entry; some Enterprise versions say `addr` for `httpAddr`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(UInt64.self, forKey: .id)
            tcpAddr = try c.decode(String.self, forKey: .tcpAddr)
            httpAddr =
                try c.decodeIfPresent(String.self, forKey: .httpAddr) ?? c.decodeIfPresent(String.self, forKey: .addr)
                ?? ""
            httpScheme = try c.decodeIfPresent(String.self, forKey: .httpScheme) ?? "http"
            status = try c.decodeIfPresent(String.self, forKey: .status) ?? "joined"
            version = try c.decodeIfPresent(String.self, forKey: .version) ?? "unknown"
            labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
            passive = try c.decodeIfPresent(Bool.self, forKey: .passive) ?? false
        }

        /// Encodes the entry (with `httpAddr`, never `addr`).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(tcpAddr, forKey: .tcpAddr)
            try c.encode(httpAddr, forKey: .httpAddr)
            try c.encode(httpScheme, forKey: .httpScheme)
            try c.encode(status, forKey: .status)
            try c.encode(version, forKey: .version)
            try c.encode(labels, forKey: .labels)
            try c.encode(passive, forKey: .passive)
        }
    }

    /// A meta node.
    public struct Meta: Codable, Sendable, Equatable {
        /// Node id.
        public var id: UInt64
        /// HTTP address, `host:8091`.
        public var addr: String
        /// `http` or `https`.
        public var httpScheme: String
        /// Raft address, `host:8089`.
        public var tcpAddr: String
        /// Version, or `unknown` until the node has announced itself.
        public var version: String
        /// Operator labels.
        public var labels: [String: String]

        /// Creates an entry.
        public init(
            id: UInt64,
            addr: String,
            httpScheme: String,
            tcpAddr: String,
            version: String,
            labels: [String: String] = [:]
        ) {
            self.id = id
            self.addr = addr
            self.httpScheme = httpScheme
            self.tcpAddr = tcpAddr
            self.version = version
            self.labels = labels
        }

        private enum CodingKeys: String, CodingKey {
            case id, addr, httpScheme, tcpAddr, version, labels
        }

        /// Decodes an entry; labels are optional.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(UInt64.self, forKey: .id)
            addr = try c.decode(String.self, forKey: .addr)
            httpScheme = try c.decode(String.self, forKey: .httpScheme)
            tcpAddr = try c.decode(String.self, forKey: .tcpAddr)
            version = try c.decode(String.self, forKey: .version)
            labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        }
    }

    /// Data nodes, in id order.
    public var data: [Data]
    /// Meta nodes, in id order.
    public var meta: [Meta]

    /// Creates a body.
    public init(data: [Data], meta: [Meta]) {
        self.data = data
        self.meta = meta
    }
}
