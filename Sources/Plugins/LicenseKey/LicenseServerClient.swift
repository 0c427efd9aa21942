import FoundationEssentials
import LicenseFile
import MetaKernel
import TLS

/// Exchanges a license key for a signed license at `[enterprise] license-server-url`.
struct LicenseServerClient: Sendable {
    /// What the server said.
    enum Outcome: Sendable {
        /// A license that verifies, and the file's bytes.
        case granted(License, [UInt8])
        /// The server refused the key, or returned a license that does not verify: the reason.
        case rejected(String)
        /// No usable answer: the reason.
        case unreachable(String)
    }

    let url: String
    let key: String
    let host: String
    let timeout: Duration
    /// For `https://` URLs: the file of extra trust anchors (`[meta] https-certificate`), if any.
    let anchorFile: String?
    /// For `https://` URLs: whether the server's certificate is verified.
    let verifyPeer: Bool

    /// POSTs the key and verifies the answer against `issuers` at `now`.
    func fetch(issuers: [Ed25519.PublicKey], now: Date) async -> Outcome {
        guard let (address, path, secure) = Self.split(url) else {
            return .unreachable("not an http(s)://host[:port]/path URL")
        }
        var transport: any Transport = PlainTransport()
        if secure {
            let trust = TLSContext.TrustRoots(system: true, anchorFile: anchorFile)
            do {
                let context = try TLSContext(
                    configuration: .init(certificatePath: "", trustRoots: trust, verifyPeer: verifyPeer)
                )
                transport = OpenSSLTransport(context: context)
            } catch {
                return .unreachable("cannot set up TLS: \(error)")
            }
        }
        let body = (try? JSONEncoder().encode(["key": key, "host": host, "product": "influxd-meta"])) ?? Data()
        let client = MetaClient(
            configuration: .init(
                transport: transport,
                timeout: timeout,
                maximumRedirects: 0,
                maximumReplySize: LicenseFileReader.maximumSize
            )
        )
        let reply: MetaClient.Reply
        do {
            reply = try await client.post(address, path, json: Array(body))
        } catch  where error.code == .tooLarge {
            return .rejected("answered with more than \(LicenseFileReader.maximumSize / 1024) KiB, which no license is")
        } catch {
            return .unreachable(error.message)
        }
        if reply.status == 403 {
            return .rejected("refused the key: \(Self.oneLine(reply.errorMessage ?? "403 \(reply.text)"))")
        }
        guard reply.status == 200 else {
            return .unreachable("it answered \(reply.status) \(reply.errorMessage ?? "")")
        }
        do throws(LicenseProblem) {
            let document = try LicenseDocument.parse(reply.body)
            // The answer's time, not the request's: the server signs when it answers, and a
            // slow answer must not look issued in the future.
            try LicenseVerifier(trusting: issuers).verify(document, now: max(now, Date()))
            guard document.license.key == key else {
                return .rejected("returned a license for another key (\(Self.oneLine(document.license.key)))")
            }
            return .granted(document.license, reply.body)
        } catch {
            return .rejected("returned a license that does not verify: \(error.reason)")
        }
    }

    /// The server's words as one short line: control characters become spaces, and anything past
    /// 300 characters is cut, so a lying server cannot flood the node's one-line refusal.
    static func oneLine(_ text: String) -> String {
        let words = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }
            .split(separator: " ", omittingEmptySubsequences: true)
        let line = words.map { String($0) }.joined(separator: " ")
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// `http(s)://host:port/path` as `host:port` (port 80 or 443 by default), `/path` and
    /// whether it is `https`.
    static func split(_ url: String) -> (String, String, Bool)? {
        let secure = url.hasPrefix("https://")
        guard secure || url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst(secure ? "https://".count : "http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        guard !authority.isEmpty else { return nil }
        let hasPort = authority.last != "]" && authority.contains(":")
        return (hasPort ? authority : "\(authority):\(secure ? 443 : 80)", path, secure)
    }
}
