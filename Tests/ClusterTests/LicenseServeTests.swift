import Foundation
import MetaKernel
import TestSupport
import Testing

/// `influx-license serve` as a process: signed licenses for known keys, 403 for the others.
@Suite("influx-license serve", .serialized)
struct LicenseServeTests {
    let client = MetaClient(configuration: .init(timeout: .seconds(5)))

    func ask(_ server: LicenseServerProcess, key: String) async throws -> MetaClient.Reply {
        try await client.post(
            server.address,
            "/api/v1/licenses",
            json: Array(#"{"key":"\#(key)","host":"node-1","product":"influxd-meta"}"#.utf8)
        )
    }

    @Test("a known key gets a license that inspect verifies; unknown and revoked keys get 403")
    func answers() async throws {
        let server = try await LicenseServerProcess(validity: "90s")
        try await server.start()
        defer { Task { await server.stop() } }

        let granted = try await ask(server, key: LicenseServerProcess.knownKey)
        #expect(granted.status == 200, "\(granted.text)")
        let file = "\(server.dir)/granted.json"
        try Data(granted.body).write(to: URL(fileURLWithPath: file))
        let inspected = try await runCommand(
            Binaries.license,
            ["inspect", file, "-issuer-keys", server.issuerPublicKey]
        )
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("key:              \(LicenseServerProcess.knownKey)\n"))
        #expect(inspected.stdout.contains("influx_machines:  4\n"))
        let document = try JSONSerialization.jsonObject(with: Data(granted.body)) as? [String: Any]
        let license = document?["license"] as? [String: Any]
        let issued = (license?["issued_at"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
        let expires = (license?["expires_at"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
        #expect(issued.map { expires?.timeIntervalSince($0) } == 90)
        // Valid from 5 minutes before it was issued: a node whose clock is behind accepts it.
        let notBefore = (license?["not_before"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
        #expect(issued.map { notBefore?.timeIntervalSince($0) } == -300)

        let unknown = try await ask(server, key: "11111111-2222-3333-4444-555555555555")
        #expect(unknown.status == 403)
        #expect(unknown.text == #"{"error":"license key 11111111-2222-3333-4444-555555555555 is not known"}"#)
        let revoked = try await ask(server, key: LicenseServerProcess.revokedKey)
        #expect(revoked.status == 403)
        #expect(revoked.text == #"{"error":"license key \#(LicenseServerProcess.revokedKey) is revoked"}"#)
    }
}
