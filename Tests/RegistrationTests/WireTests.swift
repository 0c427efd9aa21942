import Foundation
import MetaKernel
import TestSupport
import Testing

@testable import ConsoleRegistration

/// What a node sends: the exact bodies and headers of the protocol's calls, in order.
@Suite("registration wire: bodies, headers, order, interval", .timeLimit(.minutes(1)))
struct WireTests {
    @Test("register, then stats at once and every interval, with the token and exact JSON")
    func registersThenReportsStats() async throws {
        let receiver = try await ConsoleReceiver.start()
        let logs = CapturedLogs()
        let plugin = try RegistrationFixtures.plugin(
            url: receiver.url,
            token: "s3cret",
            statsInterval: .milliseconds(500),
            logs: logs
        )
        let run = Task { await plugin.run(node: RegistrationFixtures.node()) }
        defer { run.cancel() }

        let calls = try await eventually("a registration and three statistics reports") {
            receiver.calls.count >= 4 ? receiver.calls : nil
        }
        #expect(calls.map(\.path) == ["/api/v1/servers"] + Array(repeating: "/api/v1/stats/influxd-meta", count: 3))
        #expect(
            calls[0].body
                == #"{"cluster_id":"7","host":"meta3","product":"influxd-meta","server_id":"3","version":"1.2.3"}"#
        )
        let stats =
            #"{"cluster_id":"7","server_id":"3","stats":[{"name":"meta_node","#
            + #""tags":{"host":"meta3","http_addr":"meta3.test:8091","raft_addr":"meta3.test:8089","scheme":"http","version":"1.2.3"},"#
            + #""values":{"index":42,"is_leader":true,"leader":"meta3.test:8089","license_days_left":26,"#
            + #""license_expires_at":"2027-01-01T00:00:00Z","license_mode":"license-key","license_status":"valid","#
            + #""peers":3,"term":4,"uptime_seconds":0}}]}"#
        for call in calls.dropFirst() { #expect(RegistrationFixtures.withoutUptime(call.body) == stats) }
        for call in calls {
            #expect(call.headers["x-authorization"] == "s3cret")
            #expect(call.headers["content-type"] == "application/json")
        }
        // The first report follows the registration at once; the next ones wait the interval.
        #expect(calls[1].at - calls[0].at < .milliseconds(400))
        for (earlier, later) in zip(calls.dropFirst(), calls.dropFirst(2)) {
            #expect(later.at - earlier.at >= .milliseconds(490))
            #expect(later.at - earlier.at < .seconds(3))
        }
        #expect(logs.matching("registered with the web console").count == 1)
        run.cancel()
        await run.value
        await receiver.stop()
    }

    @Test("no token sends no X-Authorization; a node without a license and not leading says so")
    func withoutTokenOrLicense() async throws {
        let receiver = try await ConsoleReceiver.start()
        let plugin = try RegistrationFixtures.plugin(url: receiver.url, logs: CapturedLogs())
        let node = RegistrationFixtures.node(license: nil, leader: "meta1.test:8089")
        let run = Task { await plugin.run(node: node) }
        defer { run.cancel() }

        let stats = try await eventually("a statistics report") {
            receiver.calls(endingIn: "/stats/influxd-meta").first
        }
        #expect(receiver.calls.allSatisfy { $0.headers["x-authorization"] == nil })
        let values =
            #""values":{"index":42,"is_leader":false,"leader":"meta1.test:8089","license_mode":"none","#
            + #""license_status":"valid","peers":3,"term":4,"uptime_seconds":0}"#
        #expect(RegistrationFixtures.withoutUptime(stats.body)?.contains(values) == true)
        run.cancel()
        await run.value
        await receiver.stop()
    }

    @Test("a URL with a path prefix (and a trailing slash) puts the calls under it")
    func pathPrefix() async throws {
        let receiver = try await ConsoleReceiver.start()
        let plugin = try RegistrationFixtures.plugin(url: receiver.url + "/console/", logs: CapturedLogs())
        let run = Task { await plugin.run(node: RegistrationFixtures.node()) }
        defer { run.cancel() }

        let calls = try await eventually("a registration and a report") {
            receiver.calls.count >= 2 ? receiver.calls : nil
        }
        #expect(calls.prefix(2).map(\.path) == ["/console/api/v1/servers", "/console/api/v1/stats/influxd-meta"])
        run.cancel()
        await run.value
        await receiver.stop()
    }

    @Test("URLs taken apart: default ports, prefixes, and what is not a URL")
    func endpoints() throws {
        #expect(RegistrationEndpoint("http://h:3000") == .init(address: "h:3000", prefix: "", secure: false))
        #expect(RegistrationEndpoint("https://h/x/y//") == .init(address: "h:443", prefix: "/x/y", secure: true))
        #expect(RegistrationEndpoint("HTTP://h") == .init(address: "h:80", prefix: "", secure: false))
        #expect(
            RegistrationEndpoint("http://[::1]:3000/c") == .init(address: "[::1]:3000", prefix: "/c", secure: false)
        )
        #expect(RegistrationEndpoint("https://h:3000/c?x=1")?.path("/servers") == "/c/api/v1/servers")
        #expect(RegistrationEndpoint("h:3000") == nil)
        #expect(RegistrationEndpoint("http://") == nil)
        let error = #expect(throws: ConfigError.self) {
            try WebConsoleRegistration(configuration: .init(serverURL: "ftp://h"))
        }
        #expect(error?.description.contains("registration-server-url") == true)
    }
}

/// The token is a secret: nothing that prints the plugin (the service list logged at debug
/// level at start-up) shows it.
@Suite("registration token stays out of descriptions")
struct TokenDescriptionTests {
    struct Holder { let registration: any Registration }

    @Test("the plugin, its configuration and a service holding it print a masked token")
    func masked() throws {
        let plugin = try WebConsoleRegistration(configuration: .init(serverURL: "http://h:3000", token: "s3cret"))
        for text in [
            String(describing: plugin), "\(plugin.configuration)", String(describing: Holder(registration: plugin)),
        ] {
            #expect(!text.contains("s3cret"), "\(text)")
            #expect(text.contains("http://h:3000"))
        }
    }
}
