/// Why the registry could not open or use its SQLite file: one line naming the file and the fix.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case cannotOpen, notADatabase, locked, readOnly, failed
        }
        let base: Base

        /// The file cannot be opened or created (missing directory, permissions).
        public static let cannotOpen = Code(base: .cannotOpen)
        /// The file is not an SQLite database, or is corrupt.
        public static let notADatabase = Code(base: .notADatabase)
        /// Another process holds the file's lock past the busy timeout.
        public static let locked = Code(base: .locked)
        /// The file or its directory is read-only.
        public static let readOnly = Code(base: .readOnly)
        /// Any other SQLite failure.
        public static let failed = Code(base: .failed)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// One line for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
