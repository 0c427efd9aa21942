import FoundationEssentials
import MetaKernel
import TLS

/// Posts one registration call to the console, bounded by a timeout, over our TLS for
/// `https://` URLs (system roots plus `[meta] https-certificate`, as the license client trusts).
struct RegistrationClient: Sendable {
    /// What the console made of a call.
    enum Outcome: Sendable, Equatable {
        /// A 2xx answer.
        case accepted
        /// Any other answer: its status and the server's error text.
        case refused(status: Int, message: String)
        /// No answer: the reason.
        case unreachable(String)
    }

    let endpoint: RegistrationEndpoint
    /// Sent as `X-Authorization` when not empty.
    let token: String
    let timeout: Duration
    /// For `https://`: the file of extra trust anchors, if any.
    let anchorFile: String?
    /// For `https://`: whether the console's certificate is verified.
    let verifyPeer: Bool

    /// The largest answer read; the protocol's answers are a few bytes of JSON.
    static let maximumReplySize = 64 << 10

    /// `POST {url}/api/v1{path}` with the JSON `body`.
    func post(_ path: String, body: [UInt8]) async -> Outcome {
        var transport: any Transport = PlainTransport()
        if endpoint.secure {
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
        let client = MetaClient(
            configuration: .init(
                transport: transport,
                timeout: timeout,
                maximumRedirects: 0,
                maximumReplySize: Self.maximumReplySize,
                headers: token.isEmpty ? [] : [("X-Authorization", token)]
            )
        )
        let reply: MetaClient.Reply
        do {
            reply = try await client.post(endpoint.address, endpoint.path(path), json: body)
        } catch {
            return .unreachable(error.message)
        }
        guard (200..<300).contains(reply.status) else {
            return .refused(status: reply.status, message: Self.errorText(reply.body))
        }
        return .accepted
    }

    /// The protocol's error answer as one short line: `{"error": "…"}`, or the fields of a 422's
    /// `{"errors": {"field": ["…"]}}`; otherwise the start of the body.
    static func errorText(_ body: [UInt8]) -> String {
        struct ErrorBody: Decodable {
            var error: String?
            var errors: [String: [String]]?
        }
        let text: String
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(body)),
            decoded.error != nil || decoded.errors != nil
        {
            let fields = (decoded.errors ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value.joined(separator: ", "))" }
            text = ([decoded.error].compactMap { $0 } + fields).joined(separator: "; ")
        } else {
            text = String(decoding: body, as: UTF8.self)
        }
        return oneLine(text)
    }

    /// `text` without control characters or runs of spaces, cut at 200 characters, so a console
    /// cannot flood the node's log line.
    static func oneLine(_ text: String) -> String {
        let words = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }
            .split(separator: " ", omittingEmptySubsequences: true)
        let line = words.map { String($0) }.joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
