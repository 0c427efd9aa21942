import Foundation
import MetaKernel
import TestSupport
import Testing

@testable import ConsoleRegistration

/// A console that refuses, is down or hangs never holds the node: the plugin retries with
/// backoff, logs one line per state change, recovers, and stops at once when cancelled.
@Suite("registration against a failing console", .timeLimit(.minutes(1)))
struct FailureTests {
    @Test("500, 422 and 401 are retried with a growing backoff, one log line each, then it registers")
    func refusals() async throws {
        let receiver = try await ConsoleReceiver.start(answer: .fail(500, #"{"error":"database is locked"}"#))
        let logs = CapturedLogs()
        let plugin = try RegistrationFixtures.plugin(url: receiver.url, statsInterval: .seconds(1), logs: logs)
        let run = Task { await plugin.run(node: RegistrationFixtures.node()) }
        defer { run.cancel() }

        let tries = try await eventually("four tries") { receiver.calls.count >= 4 ? receiver.calls : nil }
        #expect(tries.allSatisfy { $0.path == "/api/v1/servers" })
        // 50 ms, 100 ms, 200 ms, each ±20 % (a loaded machine only adds to each gap, so no ratios).
        let gaps = zip(tries, tries.dropFirst()).map { $1.at - $0.at }
        #expect(gaps[0] >= .milliseconds(35))
        #expect(gaps[1] >= .milliseconds(80))
        #expect(gaps[2] >= .milliseconds(160))
        #expect(logs.matching("refused /api/v1/servers: 500 database is locked").count == 1)

        receiver.answer(.fail(422, #"{"errors":{"cluster_id":["is required"],"host":["is too long"]}}"#))
        _ = try await eventually("the 422 logged") { logs.matching("422").first }
        #expect(logs.matching("422 cluster_id is required; host is too long").count == 1)

        receiver.answer(.fail(401, #"{"error":"token required"}"#))
        let before = receiver.calls.count
        _ = try await eventually("two tries answered 401") { receiver.calls.count >= before + 3 ? true : nil }
        #expect(logs.matching("401 token required").count == 1)

        let switched = ContinuousClock.now
        receiver.answer(.accept)
        _ = try await eventually("three reports", timeout: .seconds(30)) {
            receiver.calls(endingIn: "/stats/influxd-meta").count >= 3 ? true : nil
        }
        // A registration is logged once, not again with each report. Under load a report can
        // miss its timeout and the node registers again; each of those is a new call.
        let registrations = receiver.calls(endingIn: "/servers").filter { $0.at > switched }.count
        let logged = logs.matching("registered with the web console").count
        #expect(logged >= 1 && logged <= registrations, "\(logged) lines for \(registrations) registrations")
        #expect(logs.matching("warning:").count == 3)
        run.cancel()
        await run.value
        await receiver.stop()
    }

    @Test(
        "a console that is down is logged once; when it comes back the node registers; lost again, it registers again"
    )
    func downThenBack() async throws {
        let port = freePort()
        let logs = CapturedLogs()
        let plugin = try RegistrationFixtures.plugin(url: "http://127.0.0.1:\(port)", logs: logs)
        let run = Task { await plugin.run(node: RegistrationFixtures.node()) }
        defer { run.cancel() }

        _ = try await eventually("the console logged unreachable") { logs.matching("unreachable").first }
        let receiver = try await ConsoleReceiver.start(port: port)
        _ = try await eventually("a report") { receiver.calls(endingIn: "/stats/influxd-meta").first }
        #expect(receiver.calls.first?.path == "/api/v1/servers")
        #expect(logs.matching("unreachable").count == 1)
        #expect(logs.matching("registered with the web console").count == 1)

        await receiver.stop()
        _ = try await eventually("unreachable logged again") { logs.matching("unreachable").count == 2 ? true : nil }
        let again = try await ConsoleReceiver.start(port: port)
        let calls = try await eventually("a registration and a report") { again.calls.count >= 2 ? again.calls : nil }
        #expect(calls.prefix(2).map(\.path) == ["/api/v1/servers", "/api/v1/stats/influxd-meta"])
        #expect(logs.matching("registered with the web console").count == 2)
        run.cancel()
        await run.value
        await again.stop()
    }

    @Test("a console that hangs times out each call, logged once; it recovers when the console answers")
    func hangs() async throws {
        let receiver = try await ConsoleReceiver.start(answer: .hang)
        let logs = CapturedLogs()
        // 1 s: long enough for an answered call on a loaded machine, which the full suite is.
        let plugin = try RegistrationFixtures.plugin(url: receiver.url, timeout: .seconds(1), logs: logs)
        let run = Task { await plugin.run(node: RegistrationFixtures.node()) }
        defer { run.cancel() }

        _ = try await eventually("three tries", timeout: .seconds(30)) { receiver.calls.count >= 3 ? true : nil }
        #expect(logs.matching("unreachable: no answer").count == 1)
        let switched = ContinuousClock.now
        receiver.answer(.accept)
        _ = try await eventually("three reports", timeout: .seconds(30)) {
            receiver.calls(endingIn: "/stats/influxd-meta").count >= 3 ? true : nil
        }
        // A registration is logged once, not again with each report. Under load a report can
        // miss its timeout and the node registers again; each of those is a new call.
        let registrations = receiver.calls(endingIn: "/servers").filter { $0.at > switched }.count
        let logged = logs.matching("registered with the web console").count
        #expect(logged >= 1 && logged <= registrations, "\(logged) lines for \(registrations) registrations")
        run.cancel()
        await run.value
        await receiver.stop()
    }

    @Test("cancellation ends the plugin at once while a call hangs")
    func cancelWhileHanging() async throws {
        let receiver = try await ConsoleReceiver.start(answer: .hang)
        let plugin = try RegistrationFixtures.plugin(url: receiver.url, timeout: .seconds(60), logs: CapturedLogs())
        let run = Task { await plugin.run(node: RegistrationFixtures.node()) }

        _ = try await eventually("the call is held") { receiver.calls.first }
        let cancelled = ContinuousClock.now
        run.cancel()
        await run.value
        // The call's own timeout is 60 s; 2 s leaves a loaded machine room.
        #expect(ContinuousClock.now - cancelled < .seconds(2))
        await receiver.stop()
    }

    @Test("backoff doubles from the start to the cap, each wait within ±20 %, and resets")
    func backoff() {
        var backoff = RegistrationBackoff(initial: .seconds(1), cap: .seconds(10))
        for expected in [1, 2, 4, 8, 10, 10] {
            let wait = backoff.next()
            #expect(
                wait >= .seconds(expected) * 0.8 && wait <= .seconds(expected) * 1.2,
                "wanted \(expected) s, got \(wait)"
            )
        }
        backoff.reset()
        #expect(backoff.next() <= .seconds(1.2))
        // A stats interval shorter than the start caps the first wait too.
        var short = RegistrationBackoff(initial: .seconds(1), cap: .milliseconds(200))
        #expect(short.next() <= .milliseconds(240))
    }
}
