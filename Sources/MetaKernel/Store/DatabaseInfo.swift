/// A database as the metadata records it. Retention policies arrive with the data-node work.
public struct DatabaseInfo: Sendable, Codable, Equatable, Hashable {
    /// The database name.
    public var name: String

    /// Creates a database record.
    public init(name: String) {
        self.name = name
    }

    /// The longest database name accepted.
    public static let maximumNameLength = 255

    /// Checks a name a client asked for; returns why it is unusable, or `nil` when it is fine.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty { return "database name must not be empty" }
        if name.utf8.count > maximumNameLength {
            return "database name is longer than \(maximumNameLength) bytes"
        }
        // Control characters: C0, DEL and C1 (the general category Cc is exactly these).
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "database name must not contain control characters"
        }
        return nil
    }
}
