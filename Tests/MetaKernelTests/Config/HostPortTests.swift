import Testing

@testable import MetaKernel

@Suite("HostPort")
struct HostPortTests {
    @Test(
        "parses bind addresses",
        arguments: [
            (":8089", "", 8089, ":8089"),
            ("0.0.0.0:8089", "0.0.0.0", 8089, "0.0.0.0:8089"),
            ("host:8091", "host", 8091, "host:8091"),
            ("[::1]:8091", "::1", 8091, "[::1]:8091"),
            ("[::]:0", "::", 0, "[::]:0"),
            ("[fe80::1%eth0]:65535", "fe80::1%eth0", 65_535, "[fe80::1%eth0]:65535"),
            ("meta-1.example.com:00080", "meta-1.example.com", 80, "meta-1.example.com:80"),
        ]
    )
    func parses(text: String, host: String, port: Int, rendered: String) throws {
        let address = try HostPort(parsing: text)
        #expect(address == HostPort(host: host, port: port))
        #expect(address.description == rendered)
    }

    @Test(
        "rejects bad addresses with what is expected",
        arguments: [
            (":70000", "port must be 0-65535"),
            (":65536", "port must be 0-65535"),
            ("host:-1", "port must be 0-65535"),
            ("host:http", "port must be 0-65535"),
            ("host:123456", "port must be 0-65535"),
            ("host", "missing port"),
            ("", "missing port"),
            ("host:", "missing port"),
            ("::1:8091", #"an IPv6 host must be in brackets, as in "[::1]:8089""#),
            ("[::1:8091", #"missing "]" after the IPv6 host"#),
            ("[::1]8091", #"expected ":port" right after "]""#),
            ("[::1]", #"expected ":port" right after "]""#),
            ("ho]st:1", "unexpected bracket in the host"),
        ]
    )
    func rejects(text: String, reason: String) {
        let error = #expect(throws: ConfigError.self) { try HostPort(parsing: text) }
        let quoted = ConfigText.quoted(text)
        #expect(error?.message == "invalid address \(quoted) (\(reason); use \"host:port\" or \":port\")")
    }

    @Test("the out-of-range message")
    func outOfRangeMessage() {
        let error = #expect(throws: ConfigError.self) { try HostPort(parsing: ":70000") }
        #expect(error?.message == #"invalid address ":70000" (port must be 0-65535; use "host:port" or ":port")"#)
    }

    @Test("advertised addresses replace wildcard hosts")
    func advertised() {
        #expect(HostPort(host: "", port: 8089).advertised(hostname: "meta-1") == HostPort(host: "meta-1", port: 8089))
        #expect(HostPort(host: "0.0.0.0", port: 1).advertised(hostname: "") == HostPort(host: "localhost", port: 1))
        #expect(HostPort(host: "::", port: 1).advertised(hostname: "m") == HostPort(host: "m", port: 1))
        #expect(HostPort(host: "10.0.0.1", port: 1).advertised(hostname: "m") == HostPort(host: "10.0.0.1", port: 1))
    }
}
