import MetaKernel

/// What `add-data`, `remove-data` and `update-data` share: a `POST` whose fields travel in the
/// query (the meta API takes them there or in a form body), and the failure lines.
enum DataNodeCommand {
    /// `POST path?fields` on the `-bind` node; the answer when its status is `expected`, else
    /// the one-line failure and exit 1.
    static func post(_ command: String, _ path: String, _ fields: [(String, String)], expected: Int) async
        -> MetaClient.Reply
    {
        let connection = CtlConnection.open(command)
        let client = connection.client()
        let query = fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        do {
            let answer = try await client.post(connection.bind, "\(path)?\(query)", json: [])
            guard answer.status == expected else { Ctl.fail(command, answer: answer) }
            return answer
        } catch {
            Ctl.fail(command, error, bind: connection.bind)
        }
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
