import FoundationEssentials
import LicenseFile
import TLS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The last license the server granted and when, kept in `[meta] dir/license-cache.json` (0600)
/// so a node that cannot reach its server keeps working for up to 14 days.
struct LicenseCache: Sendable {
    /// The file's content.
    struct Entry: Codable, Sendable {
        /// When the server last granted a license.
        var refreshedAt: Date
        /// The license file the server returned, as text.
        var document: String

        enum CodingKeys: String, CodingKey {
            case refreshedAt = "refreshed_at"
            case document
        }
    }

    let path: String

    /// The cached license if the file holds one signed by a trusted issuer (its own expiry is
    /// not checked: the cache lifetime counts from `refreshedAt`).
    func load(issuers: [Ed25519.PublicKey]) -> (License, Date)? {
        guard let data = FileManager.default.contents(atPath: path),
            let entry = try? JSONDecoder.iso8601.decode(Entry.self, from: data),
            let document = try? LicenseDocument.parse(Array(entry.document.utf8))
        else { return nil }
        do throws(LicenseProblem) {
            try LicenseVerifier(trusting: issuers).verify(document, now: document.license.notBefore)
        } catch {
            return nil
        }
        return (document.license, entry.refreshedAt)
    }

    /// Writes `document` as granted at `now`, through a temporary file renamed into place.
    /// - Returns: the system's reason when it cannot.
    @discardableResult
    func save(_ document: [UInt8], now: Date) -> String? {
        let entry = Entry(refreshedAt: now, document: String(decoding: document, as: UTF8.self))
        guard let bytes = try? JSONEncoder.iso8601.encode(entry) else { return "cannot encode" }
        // A new node's `[meta] dir` is made when Raft starts, after the first check.
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            return String(cString: strerror(errno))
        }
        return nil
    }
}

extension JSONDecoder {
    /// A decoder of RFC 3339 dates.
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension JSONEncoder {
    /// An encoder of RFC 3339 dates.
    static var iso8601: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
