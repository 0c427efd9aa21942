import ArgumentParser
import FoundationEssentials
import Glibc
import LicenseFile
import TLS

extension InfluxLicense {
    /// `inspect FILE [-issuer-keys a,b]`: prints the fields and verifies; exit 1 on failure.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prints a license file's fields and verifies it; exits 1 with the reason when it is not valid."
        )

        @Argument(help: "The license file.")
        var file: String

        @Option(
            name: .customLong("issuer-keys", withSingleDash: true),
            help: "Comma-separated issuer public-key files to trust (besides any built in)."
        )
        var issuerKeys = ""

        func run() throws {
            let bytes = InfluxLicense.read(file, option: "license")
            var keys: [Ed25519.PublicKey] = BuiltInIssuerKeys.pem.compactMap {
                try? Ed25519.PublicKey(pem: Array($0.utf8))
            }
            for path in issuerKeys.split(separator: ",").map(InfluxLicense.trimmed) {
                do {
                    keys.append(try Ed25519.PublicKey(pem: InfluxLicense.read(path, option: "-issuer-keys")))
                } catch {
                    InfluxLicense.fail("-issuer-keys \(path): not an Ed25519 public key in PEM (\(error))")
                }
            }
            let document: LicenseDocument
            do {
                document = try LicenseDocument.parse(bytes)
            } catch {
                InfluxLicense.fail("\(file): \(error.reason)")
            }
            print(Self.fields(document.license))
            do {
                try LicenseVerifier(trusting: keys).verify(document)
            } catch {
                InfluxLicense.fail("\(file): \(error.reason)")
            }
            print("verified: signed by trusted issuer key \(document.license.issuerKeyID), valid now")
        }

        /// One `name: value` line per field, with the JSON names.
        static func fields(_ license: License) -> String {
            [
                ("id", license.id),
                ("key", license.key),
                ("state", license.state),
                ("organization", license.organization),
                ("plan", license.plan.name),
                ("product", "\(license.product.name) \(license.product.family)"),
                ("issued_at", LicenseTime.format(license.issuedAt)),
                ("not_before", LicenseTime.format(license.notBefore)),
                ("expires_at", LicenseTime.format(license.expiresAt)),
                ("influx_machines", "\(license.entitlements.dataNodes)"),
                ("influx_cores", "\(license.entitlements.coresPerDataNode)"),
                ("meta_nodes", "\(license.entitlements.metaNodes)"),
                ("issuer_key_id", license.issuerKeyID),
            ].map { name, value in "\(name + ":")\(String(repeating: " ", count: 17 - name.count))\(value)" }
                .joined(separator: "\n")
        }
    }
}
