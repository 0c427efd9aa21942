import Testing

@testable import MetaKernel

@Suite("Config error messages")
struct ConfigErrorTests {
    @Test("syntax errors give the file, line and column")
    func syntax() {
        let text = """
            hostname = "a"
            hostname = "b"
            """
        let error = #expect(throws: ConfigError.self) { try ConfigFixtures.parse(text) }
        #expect(error?.code == .syntax)
        #expect(
            error?.message
                == "test.conf line 2, column 12: Error while parsing key-value pair: cannot redefine existing string 'hostname'"
        )
        #expect(
            ConfigFixtures.failure("[meta]\nbind-address = \n")
                == "test.conf line 2, column 16: Error while parsing key-value pair: expected value, saw '\\n'"
        )
        #expect(ConfigFixtures.failure("hostname = \"a\u{0}\"") == "test.conf line 1: the file contains a NUL byte")
    }

    @Test(
        "bad value types name the section and key",
        arguments: [
            ("[meta]\nhttp-bind-address = 8091", "[meta] http-bind-address: expected a string, got integer 8091"),
            ("hostname = 5", "hostname: expected a string, got integer 5"),
            ("reporting-disabled = \"yes\"", #"reporting-disabled: expected a boolean, got string "yes""#),
            (
                "[meta]\nelection-timeout = 10",
                #"[meta] election-timeout: expected a duration string such as "1s", got integer 10"#
            ),
            (
                "[meta]\nraft-snapshot-threshold = 1.5",
                "[meta] raft-snapshot-threshold: expected an integer, got float 1.5"
            ),
            ("[tls]\nciphers = \"A,B\"", #"[tls] ciphers: expected an array of strings, got string "A,B""#),
            (
                "[tls]\nciphers = [\"A\", 1]",
                "[tls] ciphers: expected an array of strings, got an array containing integer 1"
            ),
            ("[logging]\nlevel = []", "[logging] level: expected a string, got an array"),
            ("[meta]\ndir = { a = 1 }", "[meta] dir: expected a string, got a table"),
            ("meta = 1", "[meta]: expected a table, got integer 1"),
            (
                "[enterprise]\nlicense-key = 1979-05-27",
                "[enterprise] license-key: expected a string, got date 1979-05-27"
            ),
        ]
    )
    func types(text: String, message: String) {
        #expect(ConfigFixtures.failure(text) == "test.conf: \(message)")
    }

    @Test("bad durations, addresses, enumerations and ranges")
    func values() {
        let cases: [(String, String)] = [
            (
                "[meta]\nelection-timeout = \"ten\"",
                #"test.conf: [meta] election-timeout: invalid duration "ten" (use Go syntax such as "1s" or "500ms")"#
            ),
            (
                "[meta]\nbind-address = \":70000\"",
                #"test.conf: [meta] bind-address: invalid address ":70000" (port must be 0-65535; use "host:port" or ":port")"#
            ),
            (
                "[meta]\nhttp-bind-address = \"\"",
                #"test.conf: [meta] http-bind-address: invalid address "" (missing port; use "host:port" or ":port")"#
            ),
            (
                "bind-address = \"localhost\"",
                #"test.conf: bind-address: invalid address "localhost" (missing port; use "host:port" or ":port")"#
            ),
            (
                "[logging]\nlevel = \"loud\"",
                #"test.conf: [logging] level: invalid value "loud" (use one of debug, info, warn, error)"#
            ),
            (
                "[logging]\nformat = \"console\"",
                #"test.conf: [logging] format: invalid value "console" (use one of auto, logfmt, json)"#
            ),
            (
                "[tls]\nmin-version = \"tls1.4\"",
                #"test.conf: [tls] min-version: invalid value "tls1.4" (use one of tls1.0, tls1.1, tls1.2, tls1.3, or "" for the platform default)"#
            ),
            (
                "[discovery]\nmode = \"mdns\"",
                #"test.conf: [discovery] mode: invalid value "mdns" (use one of hosts, dns)"#
            ),
            (
                "[meta]\ngossip-frequency = \"100ms\"",
                #"test.conf: [meta] gossip-frequency: invalid duration "100ms" (must be at least 250ms)"#
            ),
            (
                "[meta]\npassword-hash = \"md5\"",
                #"test.conf: [meta] password-hash: invalid value "md5" (use bcrypt, pbkdf2-sha256 or pbkdf2-sha512, optionally with parameters such as "bcrypt;cost=12" or "pbkdf2-sha256;rounds=29000;salt_len=16")"#
            ),
            (
                "[meta]\npassword-hash = \"bcrypt;cost=3\"",
                #"test.conf: [meta] password-hash: invalid value "bcrypt;cost=3" (bcrypt cost must be 4-31)"#
            ),
            (
                "[meta]\nraft-snapshot-threshold = 8",
                "test.conf: [meta] raft-snapshot-threshold: invalid value 8 (must be at least 16)"
            ),
            (
                "[meta]\nraft-snapshot-trailing = -1",
                "test.conf: [meta] raft-snapshot-trailing: invalid value -1 (must be at least 0)"
            ),
            (
                "[discovery]\nbootstrap-expect = -3",
                "test.conf: [discovery] bootstrap-expect: invalid value -3 (must be at least 0)"
            ),
        ]
        for (text, message) in cases {
            #expect(ConfigFixtures.failure(text) == message)
        }
        #expect(ConfigFixtures.failure("[meta]\ngossip-frequency = \"250ms\"") == nil)
    }

    @Test(
        "timeouts must be positive",
        arguments: [
            "election-timeout", "heartbeat-timeout", "leader-lease-timeout", "commit-timeout", "consensus-timeout",
            "lease-duration",
        ]
    )
    func positiveTimeouts(key: String) {
        #expect(
            ConfigFixtures.failure("[meta]\n\(key) = \"0s\"")
                == #"test.conf: [meta] \#(key): invalid duration "0s" (must be greater than 0s)"#
        )
    }

    @Test("rules between keys")
    func crossKey() {
        let cases: [(String, String)] = [
            (
                "[enterprise]\nlicense-key = \"k\"\nlicense-path = \"/p\"",
                "test.conf: [enterprise] license-key and license-path are both set; set only one of them"
            ),
            ("[meta]\ndir = \"\"", "test.conf: [meta] dir must be specified"),
            (
                "[enterprise]\nlicense-key = \"k\"\nlicense-server-url = \"license.example.com\"",
                #"test.conf: [enterprise] license-server-url: "license.example.com" is not a full URL and license-key is set; use the form "https://host/api/v1/licenses""#
            ),
            (
                "[enterprise]\nregistration-enabled = true\nregistration-server-url = \"1.2.3.4\"",
                #"test.conf: [enterprise] registration-server-url: "1.2.3.4" is not a full URL; use the form "http://host:3000""#
            ),
            (
                "[enterprise]\nregistration-server-url = \"http://h:3000/a\\nb\"",
                #"test.conf: [enterprise] registration-server-url: "http://h:3000/a\nb" holds a space or control character, which no URL does; use the form "http://host:3000""#
            ),
            (
                "[enterprise]\nregistration-enabled = true\nregistration-server-url = \"http://h:3000/a b\"",
                #"test.conf: [enterprise] registration-server-url: "http://h:3000/a b" holds a space or control character, which no URL does; use the form "http://host:3000""#
            ),
            (
                "[enterprise]\nregistration-enabled = true",
                #"test.conf: [enterprise] registration-server-url: "" is not a full URL; use the form "http://host:3000""#
            ),
            (
                "[enterprise]\nregistration-enabled = true\nregistration-server-url = \"localhost:3000\"",
                #"test.conf: [enterprise] registration-server-url: "localhost:3000" is not a full URL; use the form "http://host:3000""#
            ),
            (
                "[meta]\nauth-enabled = true",
                "test.conf: [meta] auth-enabled requires internal-shared-secret (set the same secret on every meta and data node)"
            ),
            (
                "[meta]\nraft-portal-auth-required = true",
                "test.conf: [meta] raft-portal-auth-required requires internal-shared-secret (set the same secret on every meta and data node)"
            ),
            (
                "[meta]\nraft-dialer-auth-required = true",
                "test.conf: [meta] raft-dialer-auth-required requires internal-shared-secret (set the same secret on every meta and data node)"
            ),
            (
                "[meta]\nhttps-enabled = true",
                "test.conf: [meta] https-enabled requires https-certificate (a PEM certificate, or a bundle with the key)"
            ),
            (
                "[meta]\nhttps-client-ca = \"/etc/ssl/ca.pem\"",
                "test.conf: [meta] https-client-ca requires https-enabled = true (client certificates are a TLS feature)"
            ),
            (
                "[meta]\nraft-client-ca = \"/etc/ssl/ca.pem\"",
                "test.conf: [meta] raft-client-ca requires https-enabled = true (client certificates are a TLS feature)"
            ),
            (
                "[meta]\nelection-timeout = \"500ms\"",
                "test.conf: [meta] election-timeout (500ms) must not be shorter than heartbeat-timeout (1s)"
            ),
            (
                "[meta]\nleader-lease-timeout = \"2s\"",
                "test.conf: [meta] leader-lease-timeout (2s) must not be longer than heartbeat-timeout (1s)"
            ),
            (
                "[tls]\nmin-version = \"tls1.3\"\nmax-version = \"tls1.2\"",
                #"test.conf: [tls] min-version "tls1.3" is newer than max-version "tls1.2""#
            ),
            (
                "[discovery]\nhosts-file = \"\"",
                #"test.conf: [discovery] hosts-file must be specified when mode is "hosts""#
            ),
        ]
        for (text, message) in cases {
            let error = #expect(throws: ConfigError.self) { try ConfigFixtures.parse(text) }
            #expect(error?.message == message)
            #expect(error?.code == .invalidConfiguration)
        }
        #expect(ConfigFixtures.failure("[discovery]\nmode = \"dns\"\nhosts-file = \"\"") == nil)
        #expect(ConfigFixtures.failure("[tls]\nmin-version = \"tls1.2\"\nmax-version = \"tls1.2\"") == nil)
    }

    @Test("environment problems name the variable")
    func environment() {
        let cases: [([String: String], String)] = [
            (
                ["INFLUXDB_META_ELECTION_TIMEOUT": "x"],
                #"environment INFLUXDB_META_ELECTION_TIMEOUT: invalid duration "x" (use Go syntax such as "1s" or "500ms")"#
            ),
            (
                ["INFLUXDB_META_AUTH_ENABLED": "yes"],
                #"environment INFLUXDB_META_AUTH_ENABLED: invalid boolean "yes" (use true or false)"#
            ),
            (
                ["INFLUXDB_META_RAFT_SNAPSHOT_TRAILING": "many"],
                #"environment INFLUXDB_META_RAFT_SNAPSHOT_TRAILING: invalid integer "many""#
            ),
            (
                ["INFLUXDB_META_RAFT_SNAPSHOT_THRESHOLD": "15"],
                "environment INFLUXDB_META_RAFT_SNAPSHOT_THRESHOLD: invalid value 15 (must be at least 16)"
            ),
            (
                ["INFLUXDB_META_HTTP_BIND_ADDRESS": "8091"],
                #"environment INFLUXDB_META_HTTP_BIND_ADDRESS: invalid address "8091" (missing port; use "host:port" or ":port")"#
            ),
            (
                ["INFLUXDB_LOGGING_LEVEL": "loud"],
                #"environment INFLUXDB_LOGGING_LEVEL: invalid value "loud" (use one of debug, info, warn, error)"#
            ),
        ]
        for (environment, message) in cases {
            #expect(ConfigFixtures.failure("", environment: environment) == message)
        }
    }

    @Test("rules between keys name the environment variables that set them")
    func crossKeyProvenance() {
        #expect(
            ConfigFixtures.failure(
                "[enterprise]\nlicense-path = \"/p\"",
                environment: ["INFLUXDB_ENTERPRISE_LICENSE_KEY": "k"]
            )
                == "test.conf and environment INFLUXDB_ENTERPRISE_LICENSE_KEY: [enterprise] license-key and license-path are both set; set only one of them"
        )
        #expect(
            ConfigFixtures.failure("", environment: ["INFLUXDB_META_AUTH_ENABLED": "true"])
                == "environment INFLUXDB_META_AUTH_ENABLED: [meta] auth-enabled requires internal-shared-secret (set the same secret on every meta and data node)"
        )
        let noFile = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(
                explicit: nil,
                environment: ["INFLUXDB_ENTERPRISE_REGISTRATION_ENABLED": "true"],
                fileExists: { _ in false },
                readFile: { path throws(ConfigError) in
                    Issue.record("read \(path)"); return ""
                }
            )
        }
        #expect(
            noFile?.message
                == #"environment INFLUXDB_ENTERPRISE_REGISTRATION_ENABLED: [enterprise] registration-server-url: "" is not a full URL; use the form "http://host:3000""#
        )
    }

    @Test("validate() reports the first problem without a source prefix")
    func validate() {
        var config = MetaConfig()
        config.enterprise.registrationEnabled = true
        config.enterprise.registrationServerURL = "1.2.3.4"
        let error = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(
            error?.message
                == #"[enterprise] registration-server-url: "1.2.3.4" is not a full URL; use the form "http://host:3000""#
        )

        config = MetaConfig()
        config.meta.httpBindAddress = ":99999"
        let keyError = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(
            keyError?.message
                == #"[meta] http-bind-address: invalid address ":99999" (port must be 0-65535; use "host:port" or ":port")"#
        )
        #expect(keyError?.code == .invalidValue)

        config = MetaConfig()
        config.meta.commitTimeout = GoDuration(.seconds(-1))
        let negative = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(
            negative?.message
                == #"[meta] commit-timeout: invalid duration "-1s" (use Go syntax such as "1s" or "500ms")"#
        )
    }

    @Test("errors are one line and compare by code and message")
    func equality() {
        #expect(ConfigError(.syntax, "x", fileID: "a", line: 1) == ConfigError(.syntax, "x", fileID: "b", line: 2))
        #expect(ConfigError(.syntax, "x") != ConfigError(.invalidValue, "x"))
        #expect(ConfigError(.syntax, "x").description == "x")
        #expect(ConfigError.Code.fileNotFound.description == "fileNotFound")
        for text in ["[meta]\nbind-address = \"a\\nb:99999\"", "hostname = \"\"\"\nx\n\"\"\"\n[meta]\ndir = 1"] {
            #expect(ConfigFixtures.failure(text)?.contains("\n") == false)
        }
    }
}
