import FoundationEssentials
import MetaKernel

/// Checks an operator's cluster username and password against the cluster itself: a
/// `GET /show-cluster` with them, which a cluster with auth-enabled answers 401 when they are wrong.
struct ClusterLogin: Sendable {
    let connector: ClusterConnector

    /// The `Authorization` header for the user when the cluster accepts them; why not otherwise.
    func verify(_ view: ClusterView, username: String, password: String) async -> Result<String, FormError> {
        guard !username.isEmpty else { return .failure(FormError("A username is required.")) }
        let authorization = Self.basic(username: username, password: password)
        let client = connector.client(scheme: view.scheme, authorization: authorization)
        let addresses = Self.addresses(of: view)
        guard !addresses.isEmpty else {
            return .failure(FormError("The console knows no meta node of this cluster yet; try again after a poll."))
        }
        var lastError = ""
        for address in addresses {
            do {
                let reply = try await client.get(address, "/show-cluster")
                switch reply.status {
                case 200: return .success(authorization)
                case 401, 403: return .failure(FormError("The cluster refused that username or password."))
                default: return .failure(FormError("\(address) answered \(reply.status): \(reply.text.prefix(200))"))
                }
            } catch {
                lastError = error.message
            }
        }
        return .failure(FormError("No meta node of the cluster answered: \(lastError)"))
    }

    /// `Basic base64(user:password)`.
    static func basic(username: String, password: String) -> String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The meta nodes' HTTP addresses to try, the leader first, then the nodes that answered the
    /// last poll; a node that registered but has not reported its address yet is left out.
    static func addresses(of view: ClusterView) -> [String] {
        var addresses: [String] = []
        if let leader = view.leader, !leader.isEmpty { addresses.append(leader) }
        let nodes = view.metaNodes.filter(\.reachable) + view.metaNodes.filter { !$0.reachable }
        for node in nodes where !node.httpAddress.isEmpty && !addresses.contains(node.httpAddress) {
            addresses.append(node.httpAddress)
        }
        return addresses
    }
}
