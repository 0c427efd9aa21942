import FoundationEssentials
import MetaKernel

/// An operator's action on a cluster, sent to its leader the way `influxd-ctl` sends it:
/// `POST /execute` with a `create-database` or `drop-database` command, `POST /add-meta`,
/// `POST /remove` (with `force` for a node that does not answer, as `remove-meta -force`).
enum ClusterAction: Sendable, Equatable {
    case createDatabase(String)
    case dropDatabase(String)
    case addMeta(String)
    case removeMeta(String)
    case forceRemoveMeta(String)

    /// What the cluster answered, in words for the operator.
    enum Outcome: Sendable, Equatable {
        /// Applied: what was done.
        case done(String)
        /// The cluster refused or could not be reached: its error text.
        case failed(String)
        /// The cluster answered 401: the operator must log in.
        case needsLogin(String)
    }

    /// The action a form names (`action` with `name` or `address`), or why it is not one.
    static func parse(action: String?, name: String?, address: String?) -> Result<ClusterAction, FormError> {
        let name = WebForm.trimmed(name)
        let address = WebForm.trimmed(address)
        switch action {
        case "create-database", "drop-database":
            guard !name.isEmpty else { return .failure(FormError("a database name is required")) }
            guard name.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }), name.count <= 255
            else {
                return .failure(FormError("a database name has at most 255 characters and no control characters"))
            }
            return .success(action == "create-database" ? .createDatabase(name) : .dropDatabase(name))
        case "add-meta", "remove-meta", "force-remove-meta":
            guard (try? HostPort(parsing: address)) != nil else {
                return .failure(FormError("\"\(address)\" is not a meta node's HTTP address; use host:8091"))
            }
            switch action {
            case "add-meta": return .success(.addMeta(address))
            case "remove-meta": return .success(.removeMeta(address))
            default: return .success(.forceRemoveMeta(address))
            }
        default:
            return .failure(FormError("unknown action \"\(action ?? "")\""))
        }
    }

    /// The form's `action` value.
    var name: String {
        switch self {
        case .createDatabase: "create-database"
        case .dropDatabase: "drop-database"
        case .addMeta: "add-meta"
        case .removeMeta: "remove-meta"
        case .forceRemoveMeta: "force-remove-meta"
        }
    }

    /// The question the confirmation page asks.
    var question: String {
        switch self {
        case .createDatabase(let name): "Create database \"\(name)\"?"
        case .dropDatabase(let name): "Drop database \"\(name)\" and all its data? This cannot be undone."
        case .addMeta(let address): "Add the meta node at \(address) to the cluster?"
        case .removeMeta(let address): "Remove the meta node at \(address) from the cluster?"
        case .forceRemoveMeta(let address):
            "Force the meta node at \(address), which does not answer, out of the cluster? Do this only if it is gone for good."
        }
    }

    /// The confirmation button's label.
    var verb: String {
        switch self {
        case .createDatabase: "Create database"
        case .dropDatabase: "Drop database"
        case .addMeta: "Add meta node"
        case .removeMeta: "Remove meta node"
        case .forceRemoveMeta: "Force remove meta node"
        }
    }

    /// Whether the action destroys something.
    var dangerous: Bool {
        switch self {
        case .dropDatabase, .removeMeta, .forceRemoveMeta: true
        case .createDatabase, .addMeta: false
        }
    }

    /// The database name or node address the action names, for the confirmation form.
    var fields: (name: String, address: String) {
        switch self {
        case .createDatabase(let name), .dropDatabase(let name): (name, "")
        case .addMeta(let address), .removeMeta(let address), .forceRemoveMeta(let address): ("", address)
        }
    }

    /// The request: path and JSON body.
    var request: (path: String, body: [UInt8]) {
        let encoder = JSONEncoder()
        let body: Data?
        switch self {
        case .createDatabase(let name):
            body = try? encoder.encode(ExecuteCommand(type: "create-database", name: name))
            return ("/execute", Array(body ?? Data()))
        case .dropDatabase(let name):
            body = try? encoder.encode(ExecuteCommand(type: "drop-database", name: name))
            return ("/execute", Array(body ?? Data()))
        case .addMeta(let address):
            body = try? encoder.encode(JoinRequest(addr: address))
            return ("/add-meta", Array(body ?? Data()))
        case .removeMeta(let address):
            body = try? encoder.encode(RemoveRequest(httpAddr: address))
            return ("/remove", Array(body ?? Data()))
        case .forceRemoveMeta(let address):
            body = try? encoder.encode(RemoveRequest(httpAddr: address, force: true))
            return ("/remove", Array(body ?? Data()))
        }
    }

    /// Sends the action to the first of `addresses` that answers (the leader first; followers
    /// redirect to it) and says what came of it.
    func perform(with client: MetaClient, addresses: [String]) async -> Outcome {
        guard !addresses.isEmpty else { return .failed("the console knows no meta node of this cluster yet") }
        let (path, body) = request
        var lastError = ""
        for address in addresses {
            let reply: MetaClient.Reply
            do {
                reply = try await client.post(address, path, json: body)
            } catch {
                lastError = error.message
                continue
            }
            return outcome(of: reply)
        }
        return .failed(lastError)
    }

    /// Reads the cluster's answer.
    func outcome(of reply: MetaClient.Reply) -> Outcome {
        let error = (try? JSONDecoder().decode(ErrorBody.self, from: Data(reply.body)))?.error
        switch reply.status {
        case 200, 201, 204:
            if let error, !error.isEmpty { return .failed(error) }
            return .done(success(reply))
        case 401:
            return .needsLogin(error ?? "the cluster requires a login (it answered 401)")
        default:
            return .failed("\(reply.address) answered \(reply.status): \(error ?? String(reply.text.prefix(200)))")
        }
    }

    private func success(_ reply: MetaClient.Reply) -> String {
        switch self {
        case .createDatabase(let name): return "Created database \"\(name)\"."
        case .dropDatabase(let name): return "Dropped database \"\(name)\"."
        case .addMeta(let address):
            guard let joined = try? reply.decode(JoinReply.self) else { return "Added the meta node at \(address)." }
            var text =
                joined.alreadyMember
                ? "The meta node \(joined.id) at \(joined.addr) is already a member."
                : "Added meta node \(joined.id) at \(joined.addr)."
            if let warning = joined.warning { text += " Warning: \(warning)" }
            return text
        case .removeMeta(let address), .forceRemoveMeta(let address):
            guard let removed = try? reply.decode(RemoveReply.self) else {
                return "Removed the meta node at \(address)."
            }
            var text = "Removed meta node \(removed.id) at \(removed.addr)."
            if let warning = removed.warning { text += " Warning: \(warning)" }
            return text
        }
    }
}

/// A form the console cannot use: what is wrong, for the operator.
struct FormError: Error, Sendable, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `{"type":"create-database","name":"db0"}`: what `POST /execute` takes.
private struct ExecuteCommand: Encodable {
    var type: String
    var name: String
}

/// The `error` of an error answer (`{"error":"…"}`, or `{"error":"…","index":N}` from `/execute`).
private struct ErrorBody: Decodable {
    var error: String?
}
