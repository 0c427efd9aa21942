/// Why one name server gave no records for a question; ``description`` names the name, the
/// record type and the server.
struct DNSFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    enum Kind: Sendable, Equatable {
        /// The name does not exist (rcode 3).
        case nameError
        /// The server could not resolve it (rcode 2).
        case serverFailure
        /// The server will not answer this client (rcode 5).
        case refused
        /// Any other rcode.
        case rcode(Int32)
        /// The name exists but has no record of this type.
        case empty
        /// No answer within the timeout, on every try.
        case timeout(tries: Int, seconds: Int)
        /// The query could not be sent, with the system's words (`Connection refused`).
        case unreachable(String)
        /// The answer could not be parsed.
        case malformed
    }

    /// What went wrong.
    var kind: Kind
    /// The name asked for.
    var name: String
    /// The record type asked for.
    var type: DNSRecordType
    /// The server asked, `ip:port`.
    var server: String

    /// Whether the server answered for the name (no other server is asked then).
    var isAnswer: Bool {
        switch kind {
        case .nameError, .empty: true
        default: false
        }
    }

    /// One clause, e.g. `DNS server 10.0.0.53:53 answered NXDOMAIN for meta-9.example.com (A): no such name`.
    var description: String {
        let question = "\(name) (\(type.name))"
        return switch kind {
        case .nameError: "DNS server \(server) answered NXDOMAIN for \(question): no such name"
        case .serverFailure: "DNS server \(server) answered SERVFAIL for \(question): the server failed to resolve it"
        case .refused: "DNS server \(server) answered REFUSED for \(question): it does not serve this client"
        case .rcode(let code): "DNS server \(server) answered rcode \(code) for \(question)"
        case .empty: "DNS server \(server) has no \(type.name) record for \(name) (empty answer)"
        case .timeout(let tries, let seconds):
            "no answer from DNS server \(server) for \(question) (timeout: \(tries) \(tries == 1 ? "try" : "tries") of \(seconds)s)"
        case .unreachable(let reason): "cannot ask DNS server \(server) for \(question): \(reason)"
        case .malformed: "DNS server \(server) sent a malformed answer for \(question)"
        }
    }
}
