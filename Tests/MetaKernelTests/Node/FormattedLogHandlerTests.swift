import FoundationEssentials
import Logging
import Testing

@testable import MetaKernel

@Suite("logfmt and JSON log lines")
struct FormattedLogHandlerTests {
    let event = LogEvent(
        level: .warning,
        message: "peer \"h2\" unreachable",
        metadata: nil,
        source: nil,
        file: #fileID,
        function: #function,
        line: #line
    )
    let now = Date(timeIntervalSince1970: 1_765_000_000.25)
    let metadata: Logger.Metadata = ["peer": "h2:8089", "error": "connection refused", "n": "a=b"]

    @Test("logfmt quotes values holding a space, = or a quote, and keeps InfluxDB's key order")
    func logfmt() {
        let line = FormattedLogHandler(label: "influxd-meta", format: .logfmt).line(event, metadata: metadata, now: now)
        #expect(
            line
                == #"ts=2025-12-06T05:46:40.250Z lvl=warn msg="peer \"h2\" unreachable" log_id=influxd-meta error="connection refused" n="a=b" peer=h2:8089"#
                + "\n"
        )
    }

    @Test("json escapes quotes and control characters")
    func json() {
        var tabbed = metadata
        tabbed["n"] = "a\tb"
        let line = FormattedLogHandler(label: "influxd-meta", format: .json).line(event, metadata: tabbed, now: now)
        #expect(
            line
                == #"{"ts":"2025-12-06T05:46:40.250Z","lvl":"warn","msg":"peer \"h2\" unreachable","log_id":"influxd-meta","error":"connection refused","n":"a\tb","peer":"h2:8089"}"#
                + "\n"
        )
    }

    @Test("every logger follows the shared level")
    func sharedLevel() {
        let levelSwitch = LogLevelSwitch(.error)
        var first = SwitchedLevelLogHandler(FormattedLogHandler(label: "a", format: .json), levelSwitch: levelSwitch)
        let second = SwitchedLevelLogHandler(FormattedLogHandler(label: "b", format: .json), levelSwitch: levelSwitch)
        #expect(second.logLevel == .error)
        first.logLevel = .debug
        #expect(second.logLevel == .debug)
        levelSwitch.level = .info
        #expect(first.logLevel == .info)
    }
}
