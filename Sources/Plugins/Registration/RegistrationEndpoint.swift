/// `registration-server-url` taken apart: where to dial, the path prefix every call goes
/// under (`http://h:3000/console` → `/console/api/v1/...`), and whether it is `https`.
struct RegistrationEndpoint: Sendable, Equatable {
    /// `host:port`; port 80 or 443 when the URL names none.
    var address: String
    /// The URL's path without a trailing slash; empty for none.
    var prefix: String
    /// Whether the URL is `https://`.
    var secure: Bool
}

extension RegistrationEndpoint {
    /// Parses `url`; `nil` unless it is `http(s)://host[:port][/path]`.
    init?(_ url: String) {
        let scheme = url.prefix { $0 != ":" }.lowercased()
        let secure = scheme == "https" && url.dropFirst(scheme.count).hasPrefix("://")
        guard secure || (scheme == "http" && url.dropFirst(scheme.count).hasPrefix("://")) else { return nil }
        var rest = url.dropFirst(secure ? "https://".count : "http://".count)
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var prefix = String(rest[slash...])
        while prefix.hasSuffix("/") { prefix.removeLast() }
        let hasPort = authority.last != "]" && authority.contains(":")
        self.address = hasPort ? authority : "\(authority):\(secure ? 443 : 80)"
        self.prefix = prefix
        self.secure = secure
    }

    /// The request path of the protocol call `path` (`/servers`, `/stats/influxd-meta`).
    func path(_ path: String) -> String { "\(prefix)/api/v1\(path)" }
}
