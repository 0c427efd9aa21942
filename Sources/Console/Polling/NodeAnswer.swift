import MetaKernel

/// What one meta node's `/status` answered in a poll.
struct NodeAnswer: Sendable {
    /// The address asked.
    var address: String
    /// The status, when the node answered 200.
    var status: ClusterStatus?
    /// Whether the node refused the console's credentials (401/403).
    var authRequired = false
    /// Why there is no status, in one line.
    var error: String?

    /// Whether something answered at the address (a refusal counts).
    var answered: Bool { status != nil || authRequired }

    /// Asks `address` for `/status` with `client`.
    static func fetch(_ address: String, client: MetaClient) async -> NodeAnswer {
        do {
            let reply = try await client.get(address, "/status")
            switch reply.status {
            case 200:
                return NodeAnswer(address: address, status: try reply.decode(ClusterStatus.self))
            case 401, 403:
                return NodeAnswer(
                    address: address,
                    authRequired: true,
                    error: "\(address) answered \(reply.status): \(reply.errorMessage ?? reply.text)"
                )
            default:
                return NodeAnswer(
                    address: address,
                    error:
                        "\(address) answered \(reply.status): \(reply.errorMessage ?? String(reply.text.prefix(200)))"
                )
            }
        } catch {
            return NodeAnswer(address: address, error: error.message)
        }
    }
}

/// The answers of a cluster-wide call (`/show-cluster`, `/debug/vars`, `GET /`): the value or why not.
enum Fetched<Value: Sendable>: Sendable {
    case value(Value)
    case authRequired(String)
    case failed(String)

    /// GETs `path` from `address` and decodes it as `Value`.
    static func fetch(_ path: String, from address: String, client: MetaClient) async -> Fetched<Value>
    where Value: Decodable {
        do {
            let reply = try await client.get(address, path)
            switch reply.status {
            case 200: return .value(try reply.decode(Value.self))
            case 401, 403: return .authRequired("\(address) answered \(reply.status) to \(path)")
            default:
                return .failed(
                    "\(address) answered \(reply.status) to \(path): \(reply.errorMessage ?? String(reply.text.prefix(200)))"
                )
            }
        } catch {
            return .failed(error.message)
        }
    }

    var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// The part of `GET /`'s JSON the console shows: database names.
struct MetadataDatabases: Decodable, Sendable {
    struct Database: Decodable, Sendable {
        var name: String
    }
    var databases: [Database]?
}
