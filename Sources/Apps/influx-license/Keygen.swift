import ArgumentParser
import FoundationEssentials
import Glibc
import TLS

extension InfluxLicense {
    /// `keygen -out DIR`: a new issuer key pair, `issuer.key.pem` (0600) and `issuer.pub.pem`.
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Makes an Ed25519 issuer key pair: DIR/issuer.key.pem (mode 0600) and DIR/issuer.pub.pem."
        )

        @Option(name: .customLong("out", withSingleDash: true), help: "The folder to write the key pair to.")
        var out: String

        func run() throws {
            if let reason = InfluxLicense.makeFolder(out) {
                InfluxLicense.fail("-out \(out): cannot create the folder: \(reason)")
            }
            let key: Ed25519.PrivateKey
            do {
                key = try Ed25519.PrivateKey.generate()
            } catch {
                InfluxLicense.fail("\(error)")
            }
            InfluxLicense.write(Array(key.pem.utf8), to: "\(out)/issuer.key.pem", mode: 0o600, exclusive: true)
            InfluxLicense.write(
                Array(key.publicKey.pem.utf8),
                to: "\(out)/issuer.pub.pem",
                mode: 0o644,
                exclusive: true
            )
            print("issuer key \(key.publicKey.keyID): \(out)/issuer.key.pem (keep it secret), \(out)/issuer.pub.pem")
        }
    }
}
