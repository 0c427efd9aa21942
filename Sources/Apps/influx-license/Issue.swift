import ArgumentParser
import FoundationEssentials
import Glibc
import LicenseFile
import TLS

extension InfluxLicense {
    /// `issue -key K -org … -expires … -data-nodes N -cores N … -out FILE`: a signed license file.
    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Writes a license file signed by an issuer key.")

        @Option(name: .customLong("key", withSingleDash: true), help: "The issuer's private key (issuer.key.pem).")
        var key: String

        @Option(name: .customLong("org", withSingleDash: true), help: "The organization the license is for.")
        var organization: String

        @Option(
            name: .customLong("expires", withSingleDash: true),
            help: "When it expires: 2027-01-01 (midnight UTC) or 2027-01-01T12:00:00Z."
        )
        var expires: String

        @Option(name: .customLong("data-nodes", withSingleDash: true), help: "Data nodes allowed (influx_machines).")
        var dataNodes: Int

        @Option(name: .customLong("cores", withSingleDash: true), help: "CPU cores per data node (influx_cores).")
        var cores: Int

        @Option(name: .customLong("meta-nodes", withSingleDash: true), help: "Meta nodes allowed.")
        var metaNodes = 3

        @Option(
            name: .customLong("key-id", withSingleDash: true),
            help: "The license key (license.key); default: a new UUID."
        )
        var keyID: String?

        @Option(name: .customLong("not-before", withSingleDash: true), help: "Valid from (default: now).")
        var notBefore: String?

        @Option(name: .customLong("plan", withSingleDash: true), help: "The plan's name.")
        var plan = "enterprise"

        @Option(name: .customLong("out", withSingleDash: true), help: "The license file to write.")
        var out: String

        func validate() throws {
            guard LicenseTime.parse(expires) != nil else {
                throw ValidationError("-expires \(expires): not a date; use 2027-01-01 or 2027-01-01T12:00:00Z")
            }
            if let notBefore, LicenseTime.parse(notBefore) == nil {
                throw ValidationError("-not-before \(notBefore): not a date; use 2027-01-01 or 2027-01-01T12:00:00Z")
            }
            if let start = notBefore.flatMap(LicenseTime.parse), let end = LicenseTime.parse(expires), end <= start {
                throw ValidationError("-expires \(expires) is not after -not-before \(notBefore ?? "")")
            }
            guard dataNodes >= 0, cores >= 0, metaNodes >= 0 else {
                throw ValidationError("-data-nodes, -cores and -meta-nodes must not be negative")
            }
        }

        func run() throws {
            let issuer: Ed25519.PrivateKey
            do {
                issuer = try Ed25519.PrivateKey(pem: InfluxLicense.read(key, option: "-key"))
            } catch {
                InfluxLicense.fail("-key \(key): \(error)")
            }
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let license = License(
                id: UUID().uuidString.lowercased(),
                key: keyID ?? UUID().uuidString.lowercased(),
                organization: organization,
                plan: .init(name: plan),
                issuedAt: now,
                notBefore: notBefore.flatMap(LicenseTime.parse) ?? now,
                expiresAt: LicenseTime.parse(expires) ?? now,
                entitlements: .init(dataNodes: dataNodes, coresPerDataNode: cores, metaNodes: metaNodes),
                issuerKeyID: issuer.publicKey.keyID
            )
            let bytes: [UInt8]
            do {
                bytes = try LicenseDocument.issue(license, signedBy: issuer)
            } catch {
                InfluxLicense.fail("cannot sign: \(error)")
            }
            InfluxLicense.write(bytes, to: out, mode: 0o644, exclusive: false)
            print("license \(license.id) for \(organization), expires \(LicenseTime.format(license.expiresAt)): \(out)")
        }
    }
}
