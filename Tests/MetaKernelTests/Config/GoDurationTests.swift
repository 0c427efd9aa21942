import Testing

@testable import MetaKernel

@Suite("GoDuration")
struct GoDurationTests {
    @Test(
        "parses Go syntax and the d/w units",
        arguments: [
            ("1m0s", Duration.seconds(60)),
            ("1h30m500ms", .milliseconds(5_400_500)),
            ("1h30m", .seconds(5_400)),
            ("500ms", .milliseconds(500)),
            ("0s", .zero),
            ("0", .zero),
            ("1s", .seconds(1)),
            ("1.5s", .milliseconds(1_500)),
            (".5s", .milliseconds(500)),
            ("1.s", .seconds(1)),
            ("+5s", .seconds(5)),
            ("300us", .microseconds(300)),
            ("300\u{00B5}s", .microseconds(300)),
            ("300\u{03BC}s", .microseconds(300)),
            ("10ns", .nanoseconds(10)),
            ("2h45m30.25s", .milliseconds(9_930_250)),
            ("5d", .seconds(432_000)),
            ("1w", .seconds(604_800)),
            ("1.5h", .seconds(5_400)),
            ("2562047h", .seconds(9_223_369_200)),
        ]
    )
    func parses(text: String, expected: Duration) throws {
        #expect(try GoDuration(parsing: text).duration == expected)
    }

    @Test(
        "rejects garbage, negative and empty input",
        arguments: [
            "", "ten", "-1s", "-0", "1", "1x", "s", ".s", ".", "1.5.5s", " 1s", "1s ", "1 s", "5S", "1e3s",
            "3000000h", "9223372036854775808ns", "+", "1h-5m",
        ]
    )
    func rejects(text: String) {
        let error = #expect(throws: ConfigError.self) { try GoDuration(parsing: text) }
        #expect(error?.message == GoDuration.invalidMessage(text))
        #expect(error?.code == .invalidValue)
    }

    @Test("the invalid-duration message")
    func invalidMessage() {
        let error = #expect(throws: ConfigError.self) { try GoDuration(parsing: "ten") }
        #expect(error?.message == #"invalid duration "ten" (use Go syntax such as "1s" or "500ms")"#)
    }

    @Test(
        "formats like Go's time.Duration.String()",
        arguments: [
            (Duration.zero, "0s"),
            (.nanoseconds(1), "1ns"),
            (.nanoseconds(999), "999ns"),
            (.nanoseconds(1_500), "1.5\u{00B5}s"),
            (.microseconds(300), "300\u{00B5}s"),
            (.nanoseconds(1_000_001), "1.000001ms"),
            (.milliseconds(50), "50ms"),
            (.milliseconds(500), "500ms"),
            (.seconds(1), "1s"),
            (.milliseconds(1_500), "1.5s"),
            (.seconds(5), "5s"),
            (.seconds(30), "30s"),
            (.seconds(60), "1m0s"),
            (.seconds(90), "1m30s"),
            (.seconds(3_600), "1h0m0s"),
            (.milliseconds(5_400_500), "1h30m0.5s"),
            (.seconds(432_000), "120h0m0s"),
            (.seconds(-5), "-5s"),
            (.milliseconds(-1_500), "-1.5s"),
        ]
    )
    func formats(duration: Duration, expected: String) {
        #expect(GoDuration(duration).description == expected)
    }

    @Test("formatting truncates below a nanosecond and saturates at Go's range")
    func formatEdges() {
        #expect(GoDuration(.nanoseconds(1) + .init(secondsComponent: 0, attosecondsComponent: 5)).description == "1ns")
        #expect(GoDuration(.seconds(Int64.max)).description == "2562047h47m16.854775807s")
    }

    @Test("description parses back to the same value", arguments: ["1m0s", "1h30m500ms", "1.5µs", "5d", "10ns", "0"])
    func roundTrip(text: String) throws {
        let parsed = try GoDuration(parsing: text)
        #expect(try GoDuration(parsing: parsed.description) == parsed)
    }
}
