public import FoundationEssentials

/// The signed part of a license file: who it is for, when it is valid and what it allows.
///
/// JSON names follow the original's license file (`key`, `state`, `expires_at`,
/// `entitlements.influx_machines`, `entitlements.influx_cores`); docs/LICENSING.md lists them all.
public struct License: Sendable, Equatable, Codable {
    /// What the license allows. Written as JSON strings, as the original does; numbers are accepted.
    public struct Entitlements: Sendable, Equatable, Codable {
        /// `influx_machines`: the largest number of data nodes.
        public var dataNodes: Int
        /// `influx_cores`: the largest number of CPU cores per data node.
        public var coresPerDataNode: Int
        /// `meta_nodes`: the largest number of meta nodes.
        public var metaNodes: Int

        /// Creates entitlements.
        public init(dataNodes: Int, coresPerDataNode: Int, metaNodes: Int) {
            self.dataNodes = dataNodes
            self.coresPerDataNode = coresPerDataNode
            self.metaNodes = metaNodes
        }

        enum CodingKeys: String, CodingKey {
            case dataNodes = "influx_machines"
            case coresPerDataNode = "influx_cores"
            case metaNodes = "meta_nodes"
        }

        /// Decodes each count from a JSON string (`"4"`) or number (`4`).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func count(_ key: CodingKeys) throws -> Int {
                if let number = try? container.decode(Int.self, forKey: key) { return number }
                let text = try container.decode(String.self, forKey: key)
                guard let number = Int(text), number >= 0 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key,
                        in: container,
                        debugDescription: "not a count"
                    )
                }
                return number
            }
            dataNodes = try count(.dataNodes)
            coresPerDataNode = try count(.coresPerDataNode)
            metaNodes = try count(.metaNodes)
        }

        /// Encodes each count as a JSON string.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(String(dataNodes), forKey: .dataNodes)
            try container.encode(String(coresPerDataNode), forKey: .coresPerDataNode)
            try container.encode(String(metaNodes), forKey: .metaNodes)
        }
    }

    /// `{"name": …}`, as the original writes `plan`.
    public struct Plan: Sendable, Equatable, Codable {
        /// The plan's name.
        public var name: String
        /// Creates a plan.
        public init(name: String) { self.name = name }
    }

    /// `{"name": …, "family": …}`, as the original writes `product`.
    public struct Product: Sendable, Equatable, Codable {
        /// `InfluxData Enterprise`.
        public var name: String
        /// `1.x`.
        public var family: String
        /// Creates a product.
        public init(name: String = "InfluxData Enterprise", family: String = "1.x") {
            self.name = name
            self.family = family
        }
    }

    /// `id`: this license's own id (a UUID), different for every license issued.
    public var id: String
    /// `key`: the customer's license key the license was issued for.
    public var key: String
    /// `state`: `active` for a usable license.
    public var state: String
    /// `organization`: who the license is for.
    public var organization: String
    /// `plan`.
    public var plan: Plan
    /// `product`.
    public var product: Product
    /// `issued_at`.
    public var issuedAt: Date
    /// `not_before`: the license is not valid before this time.
    public var notBefore: Date
    /// `expires_at`: the license is not valid from this time on.
    public var expiresAt: Date
    /// `entitlements`.
    public var entitlements: Entitlements
    /// `issuer_key_id`: the id of the issuer key that signed it (see ``Ed25519/PublicKey/keyID``).
    public var issuerKeyID: String

    /// Creates a license.
    public init(
        id: String,
        key: String,
        state: String = "active",
        organization: String,
        plan: Plan,
        product: Product = Product(),
        issuedAt: Date,
        notBefore: Date,
        expiresAt: Date,
        entitlements: Entitlements,
        issuerKeyID: String
    ) {
        self.id = id
        self.key = key
        self.state = state
        self.organization = organization
        self.plan = plan
        self.product = product
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.entitlements = entitlements
        self.issuerKeyID = issuerKeyID
    }

    enum CodingKeys: String, CodingKey {
        case id, key, state, organization, plan, product, entitlements
        case issuedAt = "issued_at"
        case notBefore = "not_before"
        case expiresAt = "expires_at"
        case issuerKeyID = "issuer_key_id"
    }

    /// Decodes a license; times are RFC 3339 in UTC (`2027-01-01T00:00:00Z`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = LicenseTime.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key,
                    in: container,
                    debugDescription: "not an RFC 3339 time"
                )
            }
            return date
        }
        id = try container.decode(String.self, forKey: .id)
        key = try container.decode(String.self, forKey: .key)
        state = try container.decode(String.self, forKey: .state)
        organization = try container.decode(String.self, forKey: .organization)
        plan = try container.decode(Plan.self, forKey: .plan)
        product = try container.decode(Product.self, forKey: .product)
        issuedAt = try time(.issuedAt)
        notBefore = try time(.notBefore)
        expiresAt = try time(.expiresAt)
        entitlements = try container.decode(Entitlements.self, forKey: .entitlements)
        issuerKeyID = try container.decode(String.self, forKey: .issuerKeyID)
    }

    /// Encodes a license with RFC 3339 times.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(key, forKey: .key)
        try container.encode(state, forKey: .state)
        try container.encode(organization, forKey: .organization)
        try container.encode(plan, forKey: .plan)
        try container.encode(product, forKey: .product)
        try container.encode(LicenseTime.format(issuedAt), forKey: .issuedAt)
        try container.encode(LicenseTime.format(notBefore), forKey: .notBefore)
        try container.encode(LicenseTime.format(expiresAt), forKey: .expiresAt)
        try container.encode(entitlements, forKey: .entitlements)
        try container.encode(issuerKeyID, forKey: .issuerKeyID)
    }
}

/// RFC 3339 times in UTC, whole seconds, as license files write them.
public enum LicenseTime {
    /// `2027-01-01T00:00:00Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// Parses `2027-01-01T00:00:00Z`, or a bare date `2027-01-01` (midnight UTC). Strict: a
    /// time that only parses by rolling over (`25:00:00`, February 30) is refused, since it
    /// would not read back as written.
    public static func parse(_ text: String) -> Date? {
        let full = text.count == 10 ? text + "T00:00:00Z" : text
        guard let date = try? Date.ISO8601FormatStyle().parse(full), format(date) == full else { return nil }
        return date
    }
}
