import Testing

@testable import MetaKernel

@Suite("Config environment overrides")
struct ConfigEnvironmentTests {
    static let file = """
        hostname = "from-file"
        [meta]
        election-timeout = "2s"
        heartbeat-timeout = "2s"
        auth-enabled = true
        internal-shared-secret = "s"
        [tls]
        ciphers = ["FILE_A", "FILE_B"]
        """

    @Test("environment beats file beats default")
    func precedence() throws {
        let fileOnly = try ConfigFixtures.parse(Self.file).config
        #expect(fileOnly.hostname == "from-file")
        #expect(fileOnly.meta.electionTimeout.description == "2s")
        #expect(fileOnly.meta.authEnabled == true)
        #expect(fileOnly.tls.ciphers == ["FILE_A", "FILE_B"])
        #expect(fileOnly.meta.commitTimeout.description == "50ms")

        let overridden = try ConfigFixtures.parse(
            Self.file,
            environment: [
                "INFLUXDB_HOSTNAME": "from-env",
                "INFLUXDB_META_ELECTION_TIMEOUT": "3s",
                "INFLUXDB_META_COMMIT_TIMEOUT": "75ms",
                "INFLUXDB_META_AUTH_ENABLED": "false",
                "INFLUXDB_META_PPROF_ENABLED": "0",
                "INFLUXDB_TLS_CIPHERS": "ENV_A, ENV_B,ENV_C",
                "INFLUXDB_LOGGING_LEVEL": "error",
                "INFLUXDB_TLS_MIN_VERSION": "tls1.3",
                "INFLUXDB_META_RAFT_SNAPSHOT_THRESHOLD": "100",
            ]
        ).config
        #expect(overridden.hostname == "from-env")
        #expect(overridden.meta.electionTimeout.description == "3s")
        #expect(overridden.meta.heartbeatTimeout.description == "2s")
        #expect(overridden.meta.commitTimeout.description == "75ms")
        #expect(overridden.meta.authEnabled == false)
        #expect(overridden.meta.pprofEnabled == false)
        #expect(overridden.tls.ciphers == ["ENV_A", "ENV_B", "ENV_C"])
        #expect(overridden.logging.level == .error)
        #expect(overridden.tls.minVersion == .tls1_3)
        #expect(overridden.meta.raftSnapshotThreshold == 100)
    }

    @Test("empty environment values are ignored")
    func emptyIgnored() throws {
        let config = try ConfigFixtures.parse(
            Self.file,
            environment: [
                "INFLUXDB_HOSTNAME": "",
                "INFLUXDB_META_ELECTION_TIMEOUT": "",
                "INFLUXDB_META_AUTH_ENABLED": "",
                "INFLUXDB_META_DIR": "",
                "INFLUXDB_TLS_CIPHERS": "",
                "INFLUXDB_TLS_CIPHERS_0": "",
            ]
        ).config
        #expect(config == (try ConfigFixtures.parse(Self.file).config))
    }

    @Test("lists also take numbered variables, in index order")
    func numberedList() throws {
        let loaded = try ConfigFixtures.parse(
            Self.file,
            environment: [
                "INFLUXDB_TLS_CIPHERS_1": "SECOND", "INFLUXDB_TLS_CIPHERS_0": "FIRST",
                "INFLUXDB_TLS_CIPHERS_10": "LAST",
            ]
        )
        #expect(loaded.config.tls.ciphers == ["FIRST", "SECOND", "LAST"])
        #expect(loaded.warnings == [])
    }

    @Test("a comma-separated list wins over numbered variables, with a warning")
    func listConflict() throws {
        let loaded = try ConfigFixtures.parse(
            "",
            environment: ["INFLUXDB_TLS_CIPHERS": "A,B", "INFLUXDB_TLS_CIPHERS_0": "C"]
        )
        #expect(loaded.config.tls.ciphers == ["A", "B"])
        #expect(loaded.warnings == ["environment INFLUXDB_TLS_CIPHERS_0: ignored because INFLUXDB_TLS_CIPHERS is set"])
    }

    @Test("booleans accept Go's strconv.ParseBool spellings")
    func booleans() throws {
        for (text, expected) in [
            ("1", true), ("t", true), ("T", true), ("TRUE", true), ("true", true), ("True", true),
            ("0", false), ("f", false), ("F", false), ("FALSE", false), ("false", false), ("False", false),
        ] {
            let config = try ConfigFixtures.parse("", environment: ["INFLUXDB_REPORTING_DISABLED": text]).config
            #expect(config.reportingDisabled == expected, "\(text)")
        }
        #expect(ConfigEnvironment.parseBool("yes") == nil)
        #expect(ConfigEnvironment.parseBool("tRUE") == nil)
    }

    @Test("every key can be set from the environment")
    func everyKey() throws {
        let target = ConfigFixtures.everyKeyConfig
        var environment: [String: String] = [:]
        for key in ConfigKey.all {
            switch key.read(target) {
            case .bool(let flag): environment[key.environmentName] = String(flag)
            case .int(let number): environment[key.environmentName] = String(number)
            case .string(let text): environment[key.environmentName] = text
            case .duration(let duration): environment[key.environmentName] = duration.description
            case .strings(let list): environment[key.environmentName] = list.joined(separator: ",")
            }
        }
        // The default license key is empty and empty values are ignored, so nothing conflicts with license-path.
        let loaded = try ConfigFixtures.parse("", environment: environment)
        #expect(loaded.config == target)
        #expect(loaded.warnings == [])
    }

    @Test("unknown INFLUXDB_<SECTION>_* variables are warnings; others are not ours")
    func unknownVariables() throws {
        let loaded = try ConfigFixtures.parse(
            "",
            environment: [
                "INFLUXDB_META_ELECTON_TIMEOUT": "1s",
                "INFLUXDB_LOGGING_COLOR": "on",
                "INFLUXDB_META_CONFIG_PATH": "/ignored/here",
                "INFLUXDB_DATA_DIR": "/var/lib/influxdb/data",
                "INFLUXDB_META_EMPTY": "",
                "HOME": "/root",
            ]
        )
        #expect(
            loaded.warnings == [
                "environment INFLUXDB_LOGGING_COLOR: unknown variable (ignored)",
                "environment INFLUXDB_META_ELECTON_TIMEOUT: unknown variable (ignored)",
            ]
        )
    }
}
