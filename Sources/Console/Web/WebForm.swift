import Hummingbird

/// The fields of every form the console serves (`application/x-www-form-urlencoded`); each
/// route reads the ones it needs.
struct WebForm: Decodable, Sendable {
    var csrf: String?
    var action: String?
    var name: String?
    var address: String?
    var username: String?
    var password: String?
    var clusterID: String?
    var product: String?
    var redirectURL: String?

    enum CodingKeys: String, CodingKey {
        case csrf, action, name, address, username, password, product
        case clusterID = "cluster_id"
        case redirectURL = "redirect_url"
    }

    /// The largest form body read.
    static let maximumSize = 16 * 1024

    /// `text` without leading and trailing whitespace; empty for `nil`.
    static func trimmed(_ text: String?) -> String {
        guard let text else { return "" }
        return String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Reads `request`'s form body; an unreadable one reads as an empty form (its CSRF check fails).
    static func read(_ request: Request) async -> WebForm {
        var request = request
        guard let body = try? await request.collectBody(upTo: maximumSize),
            let form = try? URLEncodedFormDecoder().decode(WebForm.self, from: String(buffer: body))
        else {
            return WebForm()
        }
        return form
    }
}
