/// Hashes and checks user passwords per `[meta] password-hash`. The kernel has no crypto of
/// its own; the TLS module implements this (libxcrypt's bcrypt, OpenSSL's PBKDF2).
public protocol PasswordHasher: Sendable {
    /// A new salted hash of `password` under `scheme`, as a self-describing string
    /// (`$2b$10$…`, `$pbkdf2-sha256$29000$salt$hash`).
    func hash(_ password: String, scheme: PasswordHashScheme) throws(AccessError) -> String

    /// Whether `password` matches `hash`, whatever scheme made it; compares in constant time.
    func verify(_ password: String, hash: String) -> Bool
}
