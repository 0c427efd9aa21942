import ArgumentParser
import FoundationEssentials
import Glibc
import Hummingbird
import HummingbirdCore
import LicenseFile
import MetaKernel
import TLS

extension InfluxLicense {
    /// `serve -bind ADDR -keys FILE -key ISSUER_KEY`: a license server for `license-key` mode that
    /// answers `POST /api/v1/licenses` with a freshly signed short-lived license.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serves short-lived signed licenses to nodes running with a license key."
        )

        @Option(name: .customLong("bind", withSingleDash: true), help: "host:port to listen on.")
        var bind = "127.0.0.1:8780"

        @Option(name: .customLong("keys", withSingleDash: true), help: "The JSON file of known license keys.")
        var keys: String

        @Option(name: .customLong("key", withSingleDash: true), help: "The issuer's private key (issuer.key.pem).")
        var key: String

        @Option(
            name: .customLong("validity", withSingleDash: true),
            help: "How long an issued license is valid: 8h, 30m, 90s."
        )
        var validity = "8h"

        @Option(name: .customLong("cert", withSingleDash: true), help: "A PEM certificate: serve HTTPS.")
        var certificate: String?

        @Option(
            name: .customLong("key-file", withSingleDash: true),
            help: "The certificate's PEM private key, when not in -cert."
        )
        var keyFile: String?

        func validate() throws {
            guard LicenseServer.seconds(validity) != nil else {
                throw ValidationError("-validity \(validity): not a duration; use 8h, 30m or 90s")
            }
            guard let colon = bind.lastIndex(of: ":"), Int(bind[bind.index(after: colon)...]) != nil else {
                throw ValidationError("-bind \(bind): not host:port; use 127.0.0.1:8780")
            }
        }

        func run() async throws {
            let issuer: Ed25519.PrivateKey
            do {
                issuer = try Ed25519.PrivateKey(pem: InfluxLicense.read(key, option: "-key"))
            } catch {
                InfluxLicense.fail("-key \(key): \(error)")
            }
            let known: LicenseServer.KeysFile
            do {
                known = try LicenseServer.KeysFile.parse(InfluxLicense.read(keys, option: "-keys"))
            } catch {
                InfluxLicense.fail("-keys \(keys): \(error)")
            }
            let server = LicenseServer(
                issuer: issuer,
                keys: known,
                validity: TimeInterval(LicenseServer.seconds(validity) ?? 28_800)
            )
            let colon = bind.lastIndex(of: ":") ?? bind.endIndex
            let host = String(bind[..<colon])
            let port = Int(bind[bind.index(after: colon)...]) ?? 8780
            let router = Router()
            router.post(RouterPath(LicenseServer.path)) { request, context -> Response in
                let body = try await request.body.collect(upTo: 64 * 1024)
                let (status, bytes) = server.answer(Array(buffer: body))
                return Response(
                    status: .init(code: status),
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: bytes))
                )
            }
            var serverBuilder: HTTPServerBuilder = .http1()
            if let certificate {
                do {
                    let context = try TLSContext(
                        configuration: .init(
                            certificatePath: certificate,
                            privateKeyPath: keyFile ?? "",
                            trustRoots: .init(),
                            verifyPeer: false
                        )
                    )
                    serverBuilder = .http1(over: OpenSSLTransport(context: context))
                } catch {
                    InfluxLicense.fail("-cert \(certificate): \(error)")
                }
            }
            let app = Application(
                router: router,
                server: serverBuilder,
                configuration: .init(address: .hostname(host, port: port), serverName: nil),
                onServerRunning: { channel in
                    let line =
                        "influx-license: serving \(LicenseServer.path) on \(host):\(channel.localAddress?.port ?? port)\n"
                    InfluxLicense.writeStandardOutput(line)
                }
            )
            try await app.runService()
        }
    }
}
