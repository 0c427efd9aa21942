import Testing

@testable import MetaKernel

@Suite("Continuous query and subscription rules")
struct QueryRulesTests {
    static func log() -> ModelLog {
        var log = ModelLog()
        log.addPolicy()
        return log
    }

    @Test("a continuous query is created once; the same query again (any case) is a no-op, another is refused")
    func createQuery() {
        var log = Self.log()
        let query = "CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) INTO m2 FROM m GROUP BY time(1m) END"
        #expect(log.apply(.createContinuousQuery(database: "db", name: "cq", query: query)).error == nil)
        #expect(log.apply(.createContinuousQuery(database: "db", name: "cq", query: query.lowercased())).error == nil)
        #expect(
            log.apply(.createContinuousQuery(database: "db", name: "cq", query: "SELECT 1")).error
                == "continuous query already exists"
        )
        #expect(log.data.database(named: "db")?.continuousQueries == [ContinuousQueryInfo(name: "cq", query: query)])
        #expect(
            log.apply(.createContinuousQuery(database: "x", name: "cq", query: query)).error == "database not found: x"
        )
        #expect(log.apply(.createContinuousQuery(database: "db", name: "", query: query)).error != nil)
    }

    @Test("dropping a continuous query removes it; a missing one is refused")
    func dropQuery() {
        var log = Self.log()
        log.apply(.createContinuousQuery(database: "db", name: "a", query: "q1"))
        log.apply(.createContinuousQuery(database: "db", name: "b", query: "q2"))
        #expect(log.apply(.dropContinuousQuery(database: "db", name: "a")).error == nil)
        #expect(log.data.database(named: "db")?.continuousQueries.map(\.name) == ["b"])
        #expect(log.apply(.dropContinuousQuery(database: "db", name: "a")).error == "continuous query not found")
        #expect(log.apply(.dropContinuousQuery(database: "x", name: "b")).error == "database not found: x")
    }

    @Test("a subscription is created with mode ANY or ALL and its destinations; a duplicate name is refused")
    func createSubscription() {
        var log = Self.log()
        let destinations = ["http://k:9092", "udp://10.0.0.1:9100/x"]
        #expect(
            log.apply(
                .createSubscription(database: "db", policy: "rp", name: "s", mode: "ANY", destinations: destinations)
            ).error == nil
        )
        #expect(
            log.data.database(named: "db")?.retentionPolicy(named: "rp")?.subscriptions
                == [SubscriptionInfo(name: "s", mode: "ANY", destinations: destinations)]
        )
        #expect(
            log.apply(
                .createSubscription(database: "db", policy: "rp", name: "s", mode: "ALL", destinations: destinations)
            )
            .error == "subscription already exists"
        )
    }

    @Test(
        "invalid subscriptions are refused",
        arguments: [
            ("db", "rp", "s", "SOME", ["http://a:1"], #"subscription mode must be ANY or ALL, not "SOME""#),
            ("db", "rp", "s", "any", ["http://a:1"], #"subscription mode must be ANY or ALL, not "any""#),
            ("db", "rp", "s", "ALL", [], "subscription needs at least one destination"),
            ("db", "rp", "s", "ALL", ["http://a"], "invalid subscription URL: http://a"),
            ("db", "rp", "s", "ALL", ["ftp://a:1"], "invalid subscription URL: ftp://a:1"),
            ("db", "rp", "s", "ALL", ["a:1"], "invalid subscription URL: a:1"),
            ("db", "rp", "s", "ALL", ["http://a:"], "invalid subscription URL: http://a:"),
            ("db", "rp", "", "ALL", ["http://a:1"], "subscription name required"),
            ("db", "x", "s", "ALL", ["http://a:1"], "retention policy not found: x"),
            ("x", "rp", "s", "ALL", ["http://a:1"], "database not found: x"),
        ]
    )
    func invalidSubscription(
        database: String,
        policy: String,
        name: String,
        mode: String,
        destinations: [String],
        message: String
    ) {
        var log = Self.log()
        let outcome = log.apply(
            .createSubscription(database: database, policy: policy, name: name, mode: mode, destinations: destinations)
        )
        #expect(outcome.error == message)
        #expect(log.data.database(named: "db")?.retentionPolicy(named: "rp")?.subscriptions.isEmpty == true)
    }

    @Test("dropping a subscription removes it; a missing one is refused")
    func dropSubscription() {
        var log = Self.log()
        log.apply(
            .createSubscription(database: "db", policy: "rp", name: "s", mode: "ALL", destinations: ["http://a:1"])
        )
        #expect(log.apply(.dropSubscription(database: "db", policy: "rp", name: "s")).error == nil)
        #expect(log.data.database(named: "db")?.retentionPolicy(named: "rp")?.subscriptions.isEmpty == true)
        #expect(log.apply(.dropSubscription(database: "db", policy: "rp", name: "s")).error == "subscription not found")
        #expect(
            log.apply(.dropSubscription(database: "db", policy: "x", name: "s")).error
                == "retention policy not found: x"
        )
    }
}
