import FoundationEssentials
public import Hummingbird
import Synchronization

/// Checks the credentials of meta API requests: `Authorization: Basic` (or `u`/`p` query
/// parameters) against the users of the store, `Authorization: Bearer` HS256 tokens signed with
/// `shared-secret` (users) or `internal-shared-secret` (other meta nodes, empty `username`).
///
/// A bcrypt check costs tens of milliseconds, so a verified password is remembered for
/// ``cacheLifetime`` as an HMAC under a per-process key, tied to the hash it matched: a changed
/// password or a dropped user takes effect at once.
public final class APIAuthenticator: Sendable {
    /// What the authenticator enforces.
    public struct Configuration: Sendable {
        /// `[meta] auth-enabled`.
        public var authEnabled: Bool
        /// `[meta] shared-secret`; bearer tokens for users are refused when empty.
        public var sharedSecret: String
        /// `[meta] internal-shared-secret`; node-to-node tokens need it.
        public var internalSharedSecret: String

        /// Creates a configuration.
        public init(authEnabled: Bool, sharedSecret: String, internalSharedSecret: String) {
            self.authEnabled = authEnabled
            self.sharedSecret = sharedSecret
            self.internalSharedSecret = internalSharedSecret
        }
    }

    /// How long a verified password is remembered.
    public static let cacheLifetime = Duration.seconds(60)
    /// Lifetime of the tokens a node mints for its peers.
    public static let nodeTokenLifetime: UInt64 = 60
    static let cacheCapacity = 1024

    private struct Remembered {
        var hash: String
        var digest: [UInt8]
        var until: ContinuousClock.Instant
    }

    /// The configuration.
    public let configuration: Configuration
    let store: MetaStore
    let messageAuthenticator: (any MessageAuthenticator)?
    let passwordHasher: (any PasswordHasher)?
    private let cacheKey: [UInt8]
    private let cache = Mutex<[String: Remembered]>([:])
    /// Tokens whose signature was verified, with their claims (the secrets never change while
    /// the node runs, so a token's signature stays valid; expiry is checked on every use).
    private let verifiedTokens = Mutex<[String: JSONWebToken.Claims]>([:])

    /// Creates the authenticator for a node's store.
    public init(
        configuration: Configuration,
        store: MetaStore,
        messageAuthenticator: (any MessageAuthenticator)?,
        passwordHasher: (any PasswordHasher)?
    ) {
        self.configuration = configuration
        self.store = store
        self.messageAuthenticator = messageAuthenticator
        self.passwordHasher = passwordHasher
        self.cacheKey = messageAuthenticator?.randomBytes(count: 32) ?? []
    }

    /// Whether node-to-node routes demand the internal token (a secret is set).
    public var requiresNodeToken: Bool { !configuration.internalSharedSecret.isEmpty && messageAuthenticator != nil }

    /// The `Authorization` header a node sends its peers, made afresh per request; `nil` without a secret.
    public var nodeAuthorization: (@Sendable () -> String)? {
        guard requiresNodeToken, let authenticator = messageAuthenticator else { return nil }
        let secret = Array(configuration.internalSharedSecret.utf8)
        return {
            let token = JSONWebToken.hs256(
                username: "",
                expires: Self.now() + Self.nodeTokenLifetime,
                secret: secret,
                authenticator: authenticator
            )
            return "Bearer \(token)"
        }
    }

    /// Seconds since 1970.
    static func now() -> UInt64 { UInt64(max(Date().timeIntervalSince1970, 0)) }

    /// A refused request: its status (401 or 400) and the one-line reason.
    public struct Refusal: Error, Sendable {
        /// 401 for missing or wrong credentials, 400 for unreadable ones.
        public var status: HTTPResponse.Status
        /// What is missing or wrong.
        public var message: String
    }

    /// The credentials a request carries, before they are checked.
    enum Credentials {
        case none
        case basic(user: String, password: String)
        case bearer(String)
    }

    /// Reads the request's credentials.
    static func credentials(of request: Request) throws(Refusal) -> Credentials {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else {
                throw Refusal(status: .unauthorized, message: "unable to parse authentication credentials")
            }
            switch parts[0].lowercased() {
            case "basic":
                guard let decoded = Data(base64Encoded: String(parts[1])),
                    let text = String(data: decoded, encoding: .utf8),
                    let colon = text.firstIndex(of: ":")
                else { throw Refusal(status: .unauthorized, message: "unable to parse authentication credentials") }
                return .basic(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
            case "bearer":
                return .bearer(String(parts[1].filter { $0 != " " }))
            default:
                throw Refusal(
                    status: .unauthorized,
                    message: "unable to parse authentication credentials (use Basic or Bearer)"
                )
            }
        }
        let query = request.uri.queryParameters
        if let user = query.get("u") {
            return .basic(user: user, password: query.get("p") ?? "")
        }
        return .none
    }

    /// Who the request's credentials name; `nil` when it carries none.
    func identify(_ request: Request) throws(Refusal) -> Principal? {
        switch try Self.credentials(of: request) {
        case .none:
            return nil
        case .basic(let name, let password):
            return .user(try checkPassword(user: name, password: password))
        case .bearer(let token):
            return try checkToken(token)
        }
    }

    /// Checks a bearer token: empty `username` with the internal secret, else a user's with `shared-secret`.
    func checkToken(_ token: String) throws(Refusal) -> Principal {
        guard let authenticator = messageAuthenticator else {
            throw Refusal(status: .unauthorized, message: "bearer tokens are not accepted: no internal-shared-secret")
        }
        let now = Self.now()
        if let claims = verifiedTokens.withLock({ $0[token] }) {
            guard claims.expires > now else { throw Refusal(status: .unauthorized, message: "token is expired") }
            return try principal(for: claims)
        }
        // The claims are read unverified only to pick the secret; the signature is checked next.
        let unverifiedUser = Self.unverifiedUsername(token)
        let isNodeToken = unverifiedUser.isEmpty
        let secret = isNodeToken ? configuration.internalSharedSecret : configuration.sharedSecret
        guard !secret.isEmpty else {
            throw Refusal(
                status: .unauthorized,
                message: isNodeToken
                    ? "node tokens are not accepted: this node has no internal-shared-secret"
                    : "bearer authentication is off: this node has no shared-secret; use basic authentication"
            )
        }
        let claims: JSONWebToken.Claims
        do {
            claims = try JSONWebToken.verify(
                token,
                secret: Array(secret.utf8),
                authenticator: authenticator,
                now: now
            )
        } catch {
            if isNodeToken && error.description == "signature is invalid" {
                throw Refusal(
                    status: .unauthorized,
                    message:
                        "signature is invalid: the caller's internal-shared-secret does not match this node's; set the same [meta] internal-shared-secret on every meta node"
                )
            }
            throw Refusal(status: .unauthorized, message: error.description)
        }
        // The secret was picked from the unverified claims: the verified ones must agree.
        guard claims.username.isEmpty == isNodeToken else {
            throw Refusal(status: .unauthorized, message: "token claims are ambiguous")
        }
        verifiedTokens.withLock { tokens in
            if tokens.count >= Self.cacheCapacity { tokens.removeAll() }
            tokens[token] = claims
        }
        return try principal(for: claims)
    }

    /// A meta node for an empty `username`, else the user it names, who must exist.
    private func principal(for claims: JSONWebToken.Claims) throws(Refusal) -> Principal {
        if claims.username.isEmpty { return .node }
        guard let user = store.current.user(named: claims.username) else {
            throw Refusal(status: .unauthorized, message: "authorization failed: user \"\(claims.username)\" not found")
        }
        return .user(user)
    }

    /// The user name the request's credentials claim, checked or not, for the audit log.
    static func claimedName(_ request: Request) -> String? {
        switch try? credentials(of: request) {
        case .basic(let user, _): user
        case .bearer(let token): unverifiedUsername(token).isEmpty ? "meta node" : unverifiedUsername(token)
        default: nil
        }
    }

    static func unverifiedUsername(_ token: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = JSONWebToken.decodeBase64URL(String(parts[1])) else { return "" }
        if let members = bytes.withUnsafeBytes({ FlatJSONReader.object(in: $0, maximumDepth: 1) }) {
            if case .string(let name)? = members["username"] { return name }
            return ""
        }
        struct Body: Decodable { var username: String? }
        return (try? JSONDecoder().decode(Body.self, from: Data(bytes)))?.username ?? ""
    }

    /// Checks `password` against the stored hash of `user`, through the cache.
    func checkPassword(user name: String, password: String) throws(Refusal) -> UserInfo {
        guard let user = store.current.user(named: name), let hasher = passwordHasher else {
            throw Refusal(status: .unauthorized, message: "authorization failed")
        }
        let digest = messageAuthenticator?.authenticationCode(for: Array(password.utf8), key: cacheKey)
        let now = ContinuousClock.now
        if let digest {
            let remembered = cache.withLock { $0[name] }
            if let remembered, remembered.until > now, remembered.hash == user.hash,
                RaftAuthentication.codesMatch(remembered.digest, digest)
            {
                return user
            }
        }
        guard hasher.verify(password, hash: user.hash) else {
            throw Refusal(status: .unauthorized, message: "authorization failed")
        }
        if let digest {
            cache.withLock { cache in
                if cache.count >= Self.cacheCapacity { cache.removeAll() }
                cache[name] = Remembered(hash: user.hash, digest: digest, until: now + Self.cacheLifetime)
            }
        }
        return user
    }
}
