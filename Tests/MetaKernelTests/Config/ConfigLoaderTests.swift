import Foundation
import Testing

@testable import MetaKernel

@Suite("Config lookup and loading")
struct ConfigLoaderTests {
    static let home = "/home/meta"
    static let homeFile = "/home/meta/.influxdb/influxdb-meta.conf"
    static let systemFile = "/etc/influxdb/influxdb-meta.conf"
    static let environment = ["INFLUXDB_META_CONFIG_PATH": "/env/meta.conf"]

    static func locate(
        explicit: String?,
        environment: [String: String],
        home: String? = Self.home,
        existing: Set<String>
    ) throws(ConfigError) -> String? {
        try ConfigLoader.locate(
            explicit: explicit,
            environment: environment,
            homeDirectory: home,
            fileExists: { existing.contains($0) }
        )
    }

    @Test("lookup order: explicit > environment > home > /etc > defaults")
    func order() throws {
        let all: Set = ["/x/explicit.conf", "/env/meta.conf", Self.homeFile, Self.systemFile]
        #expect(
            try Self.locate(explicit: "/x/explicit.conf", environment: Self.environment, existing: all)
                == "/x/explicit.conf"
        )
        #expect(try Self.locate(explicit: nil, environment: Self.environment, existing: all) == "/env/meta.conf")
        #expect(try Self.locate(explicit: nil, environment: [:], existing: all) == Self.homeFile)
        #expect(try Self.locate(explicit: nil, environment: [:], existing: [Self.systemFile]) == Self.systemFile)
        #expect(try Self.locate(explicit: nil, environment: [:], home: nil, existing: all) == Self.systemFile)
        #expect(try Self.locate(explicit: nil, environment: [:], existing: []) == nil)
        #expect(try Self.locate(explicit: "", environment: ["INFLUXDB_META_CONFIG_PATH": ""], existing: []) == nil)
        #expect(try Self.locate(explicit: nil, environment: [:], home: "/home/meta/", existing: all) == Self.homeFile)
    }

    @Test("a missing explicit or environment path is an error, not a fallback")
    func missingExplicit() {
        let all: Set = [Self.homeFile, Self.systemFile]
        let explicit = #expect(throws: ConfigError.self) {
            try Self.locate(explicit: "/x/y.conf", environment: [:], existing: all)
        }
        #expect(explicit?.message == "open /x/y.conf: no such file or directory")
        #expect(explicit?.code == .fileNotFound)
        let fromEnvironment = #expect(throws: ConfigError.self) {
            try Self.locate(explicit: nil, environment: Self.environment, existing: all)
        }
        #expect(
            fromEnvironment?.message
                == "environment INFLUXDB_META_CONFIG_PATH: open /env/meta.conf: no such file or directory"
        )
    }

    @Test("load reads the located file and applies the environment; $HOME finds the home file")
    func loadInjected() throws {
        var environment = ["HOME": Self.home, "INFLUXDB_HOSTNAME": "env-host"]
        let loaded = try ConfigLoader.load(
            explicit: nil,
            environment: environment,
            fileExists: { $0 == Self.homeFile },
            readFile: { _ throws(ConfigError) in "hostname = \"file-host\"\nbogus = 1" }
        )
        #expect(loaded.path == Self.homeFile)
        #expect(loaded.config.hostname == "env-host")
        #expect(loaded.warnings == ["\(Self.homeFile): unknown key bogus (ignored)"])

        environment["HOME"] = nil
        let defaults = try ConfigLoader.load(
            explicit: nil,
            environment: environment,
            fileExists: { $0 == Self.homeFile },
            readFile: { _ throws(ConfigError) in "" }
        )
        #expect(defaults.path == nil)
        #expect(defaults.config.hostname == "env-host")
    }

    @Test("load reads a real file, and reports missing and unreadable files")
    func loadRealFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("metaconfig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/influxdb-meta.conf"
        try ConfigFixtures.seedText.write(toFile: path, atomically: true, encoding: .utf8)

        let loaded = try ConfigLoader.load(explicit: path, environment: [:])
        #expect(loaded.path == path)
        #expect(loaded.config.enterprise.licenseKey == "abc-123")

        let missing = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(explicit: directory + "/nope.conf", environment: [:])
        }
        #expect(missing?.message == "open \(directory)/nope.conf: no such file or directory")

        let isDirectory = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(explicit: directory, environment: [:])
        }
        #expect(isDirectory?.message == "read \(directory): is a directory")
        #expect(isDirectory?.code == .unreadableFile)

        let binary = directory + "/binary.conf"
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0x68, 0xFF, 0xFE])))
        let notText = #expect(throws: ConfigError.self) { try ConfigLoader.load(explicit: binary, environment: [:]) }
        #expect(notText?.message == "read \(binary): the file is not UTF-8 text")

        let throughEnvironment = try ConfigLoader.load(explicit: nil, environment: ["INFLUXDB_META_CONFIG_PATH": path])
        #expect(throughEnvironment.path == path)
    }

    @Test("reading reports errno text for files that cannot be opened")
    func unreadable() {
        let error = #expect(throws: ConfigError.self) { try ConfigFile.contents(of: "/proc/self/mem/x") }
        #expect(error?.message == "open /proc/self/mem/x: not a directory")
        #expect(error?.code == .unreadableFile)
    }
}
