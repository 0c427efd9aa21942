import Foundation

/// The development issuer and license every test node runs with unless its test configures
/// licensing itself: `influx-license keygen` and `issue` from the built products, once per test
/// process, in a temporary folder.
public struct DevelopmentLicense: Sendable {
    /// The license file.
    public let licensePath: String
    /// The issuer's public key file.
    public let issuerKeyPath: String

    /// The `[enterprise]` keys that point a node at this license (without the table header).
    public var configLines: String {
        "license-path = \"\(licensePath)\"\nlicense-issuer-keys = [\"\(issuerKeyPath)\"]\n"
    }

    /// The shared license; made on first use (a Swift `static let` is initialised once, thread-safely).
    public static var shared: DevelopmentLicense {
        get throws(Failure) { try made.get() }
    }

    /// Why the shared license could not be made: the command and its output.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private static let made: Result<DevelopmentLicense, Failure> = {
        do throws(Failure) {
            return .success(try make())
        } catch {
            return .failure(error)
        }
    }()

    private static func make() throws(Failure) -> DevelopmentLicense {
        let dir: String
        do {
            dir = try makeTemporaryDirectory("dev-license")
        } catch {
            throw Failure(description: "development license: cannot make a folder: \(error)")
        }
        try run(["keygen", "-out", "\(dir)/issuer"])
        let license = DevelopmentLicense(
            licensePath: "\(dir)/license.json",
            issuerKeyPath: "\(dir)/issuer/issuer.pub.pem"
        )
        let expires = ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: 365 * 86_400))
        try run([
            "issue", "-key", "\(dir)/issuer/issuer.key.pem", "-org", "influxd-meta tests", "-expires", expires,
            "-not-before", ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: -86_400)),
            "-data-nodes", "4", "-cores", "8", "-out", license.licensePath,
        ])
        return license
    }

    /// Runs `influx-license arguments` to completion; throws with its output when it fails.
    private static func run(_ arguments: [String]) throws(Failure) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.license)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw Failure(description: "development license: cannot run \(Binaries.license): \(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let command = ([Binaries.license] + arguments).joined(separator: " ")
            throw Failure(description: "development license: \(command) exited \(process.terminationStatus): \(text)")
        }
    }
}
