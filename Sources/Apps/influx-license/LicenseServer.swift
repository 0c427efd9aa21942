import FoundationEssentials
import Glibc
import LicenseFile
import TLS

/// What `influx-license serve` answers: a signed license for a known, unrevoked key, else 403.
struct LicenseServer: Sendable {
    /// The path nodes POST their key to.
    static let path = "/api/v1/licenses"

    /// The `-keys` file: `{"keys": [{"key": …, "organization": …, "data-nodes": …, …}]}`.
    struct KeysFile: Sendable, Decodable {
        /// One license key and what it allows.
        struct Entry: Sendable, Decodable {
            var key: String
            var organization: String
            var plan: String?
            var dataNodes: Int
            var cores: Int
            var metaNodes: Int?
            var revoked: Bool?

            enum CodingKeys: String, CodingKey {
                case key, organization, plan, cores, revoked
                case dataNodes = "data-nodes"
                case metaNodes = "meta-nodes"
            }
        }

        var keys: [Entry]

        /// Parses the file, naming the first problem.
        static func parse(_ bytes: [UInt8]) throws -> KeysFile {
            do {
                return try JSONDecoder().decode(KeysFile.self, from: Data(bytes))
            } catch {
                throw KeysFileError(
                    text: LicenseDocument.describe(error).replacing("license.", with: "")
                )
            }
        }
    }

    /// Why a keys file was refused.
    struct KeysFileError: Error, CustomStringConvertible {
        var text: String
        var description: String { "not a keys file: \(text)" }
    }

    /// The request body: `{"key": …, "host": …, "product": …}`.
    struct Request: Decodable {
        var key: String
        var host: String?
        var product: String?
    }

    let issuer: Ed25519.PrivateKey
    let keys: KeysFile
    let validity: TimeInterval

    /// The status and JSON body for a request body.
    func answer(_ body: [UInt8], now: Date = Date()) -> (Int, [UInt8]) {
        guard let request = try? JSONDecoder().decode(Request.self, from: Data(body)) else {
            return (400, Self.error(#"the body must be {"key": "…", "host": "…", "product": "…"}"#))
        }
        guard let entry = keys.keys.first(where: { $0.key == request.key }) else {
            return (403, Self.error("license key \(request.key) is not known"))
        }
        if entry.revoked == true {
            return (403, Self.error("license key \(request.key) is revoked"))
        }
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let license = License(
            id: UUID().uuidString.lowercased(),
            key: entry.key,
            organization: entry.organization,
            plan: .init(name: entry.plan ?? "enterprise"),
            issuedAt: issued,
            // Valid from a little earlier, so that a node whose clock runs behind the server's
            // accepts the license at once.
            notBefore: issued.addingTimeInterval(-Self.clockSkewAllowance),
            expiresAt: issued.addingTimeInterval(validity),
            entitlements: .init(
                dataNodes: entry.dataNodes,
                coresPerDataNode: entry.cores,
                metaNodes: entry.metaNodes ?? 3
            ),
            issuerKeyID: issuer.publicKey.keyID
        )
        do {
            return (200, try LicenseDocument.issue(license, signedBy: issuer))
        } catch {
            return (500, Self.error("cannot sign: \(error)"))
        }
    }

    /// How far before the issue time a served license becomes valid (5 minutes).
    static let clockSkewAllowance: TimeInterval = 300

    /// `{"error": "…"}`.
    static func error(_ message: String) -> [UInt8] {
        Array((try? JSONEncoder().encode(["error": message])) ?? Data())
    }

    /// `8h`, `30m`, `90s` or plain seconds, in seconds.
    static func seconds(_ text: String) -> Int? {
        let units = ["h": 3600, "m": 60, "s": 1]
        if let unit = text.last.flatMap({ units[String($0)] }), let count = Int(text.dropLast()), count > 0 {
            return count * unit
        }
        return Int(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
