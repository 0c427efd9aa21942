import FoundationEssentials

/// The parsed `[meta] password-hash` setting: `scheme[;key=value...]`.
///
/// `bcrypt` takes `cost` (default 10, 4...31); `pbkdf2-sha256` and `pbkdf2-sha512` take `rounds` (default 29000)
/// and `salt_len` (default 16). Data nodes must use the same setting.
public struct PasswordHashScheme: Sendable, Hashable {
    /// A supported hashing algorithm.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// bcrypt.
        case bcrypt
        /// PBKDF2 with HMAC-SHA-256.
        case pbkdf2SHA256 = "pbkdf2-sha256"
        /// PBKDF2 with HMAC-SHA-512.
        case pbkdf2SHA512 = "pbkdf2-sha512"
    }

    /// The algorithm.
    public var algorithm: Algorithm
    /// The bcrypt cost (log2 of the rounds), 4...31; only used by ``Algorithm/bcrypt``.
    public var cost: Int
    /// The PBKDF2 iteration count; only used by the PBKDF2 algorithms.
    public var rounds: Int
    /// The PBKDF2 salt length in bytes; only used by the PBKDF2 algorithms.
    public var saltLength: Int

    /// Creates a scheme with the documented defaults for any parameter not given.
    /// - Parameters:
    ///   - algorithm: The algorithm.
    ///   - cost: The bcrypt cost.
    ///   - rounds: The PBKDF2 iteration count.
    ///   - saltLength: The PBKDF2 salt length in bytes.
    public init(algorithm: Algorithm, cost: Int = 10, rounds: Int = 29_000, saltLength: Int = 16) {
        self.algorithm = algorithm
        self.cost = cost
        self.rounds = rounds
        self.saltLength = saltLength
    }

    /// Parses `"bcrypt"`, `"bcrypt;cost=12"` or `"pbkdf2-sha256;rounds=29000;salt_len=16"`.
    /// - Parameter text: The `password-hash` value.
    /// - Throws: ``ConfigError`` such as `invalid value "md5" (use bcrypt, pbkdf2-sha256 or pbkdf2-sha512, ...)`.
    public init(parsing text: String) throws(ConfigError) {
        func fail(_ reason: String) -> ConfigError {
            .invalidValue("invalid value \(ConfigText.quoted(text)) (\(reason))")
        }
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let algorithm = Algorithm(rawValue: String(parts[0])) else {
            throw fail(
                "use bcrypt, pbkdf2-sha256 or pbkdf2-sha512, optionally with parameters such as \"bcrypt;cost=12\""
                    + " or \"pbkdf2-sha256;rounds=29000;salt_len=16\""
            )
        }
        self.init(algorithm: algorithm)
        let allowed = algorithm == .bcrypt ? ["cost"] : ["rounds", "salt_len"]
        var seen: Set<String> = []
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(pair[0])
            guard allowed.contains(key), pair.count == 2 else {
                let names = allowed.map { "\"\($0)\"" }
                throw fail("\(algorithm.rawValue) takes only \(names.joined(separator: " and ")) as \"key=value\"")
            }
            guard seen.insert(key).inserted else {
                throw fail("\(key) is given twice")
            }
            guard pair[1].allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(pair[1]) else {
                throw fail("\(key) must be a whole number")
            }
            switch key {
            case "cost":
                guard (4...31).contains(number) else { throw fail("bcrypt cost must be 4-31") }
                cost = number
            case "rounds":
                guard number >= 1 else { throw fail("rounds must be at least 1") }
                rounds = number
            default:
                guard number >= 1 else { throw fail("salt_len must be at least 1") }
                saltLength = number
            }
        }
    }
}
