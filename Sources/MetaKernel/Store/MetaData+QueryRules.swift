extension MetaData {
    /// Creates a continuous query; the same name with the same query (ignoring case) is a no-op,
    /// with another query `continuous query already exists`.
    mutating func createContinuousQuery(database: String, name: String, query: String) -> String? {
        if name.isEmpty { return "continuous query name required" }
        let result = modifyDatabase(named: database) { info -> String? in
            if let existing = info.continuousQueries.first(where: { $0.name.utf8.elementsEqual(name.utf8) }) {
                return existing.query.lowercased() == query.lowercased() ? nil : "continuous query already exists"
            }
            info.continuousQueries.append(ContinuousQueryInfo(name: name, query: query))
            return nil
        }
        return result ?? DataRuleError.databaseNotFound(database)
    }

    /// Drops a continuous query.
    mutating func dropContinuousQuery(database: String, name: String) -> String? {
        let result = modifyDatabase(named: database) { info -> String? in
            guard let position = info.continuousQueries.firstIndex(where: { $0.name.utf8.elementsEqual(name.utf8) })
            else { return "continuous query not found" }
            info.continuousQueries.remove(at: position)
            return nil
        }
        return result ?? DataRuleError.databaseNotFound(database)
    }

    /// Creates a subscription: mode `ANY` or `ALL`, at least one destination, each a
    /// `udp`/`http`/`https` URL with a port; a name the policy has is refused.
    mutating func createSubscription(
        database: String,
        policy: String,
        name: String,
        mode: String,
        destinations: [String]
    ) -> String? {
        if name.isEmpty { return "subscription name required" }
        guard mode == "ANY" || mode == "ALL" else { return "subscription mode must be ANY or ALL, not \"\(mode)\"" }
        if destinations.isEmpty { return "subscription needs at least one destination" }
        if let bad = destinations.first(where: { !Self.isSubscriptionURL($0) }) {
            return "invalid subscription URL: \(bad)"
        }
        return modifyRetentionPolicy(database: database, policy: policy) { info in
            if info.subscriptions.contains(where: { $0.name.utf8.elementsEqual(name.utf8) }) {
                return "subscription already exists"
            }
            info.subscriptions.append(SubscriptionInfo(name: name, mode: mode, destinations: destinations))
            return nil
        }
    }

    /// Drops a subscription.
    mutating func dropSubscription(database: String, policy: String, name: String) -> String? {
        modifyRetentionPolicy(database: database, policy: policy) { info in
            guard let position = info.subscriptions.firstIndex(where: { $0.name.utf8.elementsEqual(name.utf8) })
            else { return "subscription not found" }
            info.subscriptions.remove(at: position)
            return nil
        }
    }

    /// `scheme://host:port[/…]` with scheme `udp`, `http` or `https` and a non-empty port.
    static func isSubscriptionURL(_ text: String) -> Bool {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, ["udp", "http", "https"].contains(parts[0]) else { return false }
        let authority = parts[1].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last ?? authority
        guard let colon = hostPort.lastIndex(of: ":") else { return false }
        let port = hostPort[hostPort.index(after: colon)...]
        return !port.isEmpty && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber)
    }
}
