#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// IP literal checks with the C library's parser.
enum IPAddress {
    /// Whether `text` is an IPv4 or IPv6 address literal. An IPv6 literal may name its zone
    /// (`fe80::1%eth0`): a link-local peer is unreachable without one, and the dialers' numeric
    /// `getaddrinfo` accepts it.
    static func isLiteral(_ text: String) -> Bool {
        var v4 = in_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || isIPv6(text)
    }

    /// Whether `text` is an IPv6 address literal, with or without a non-empty `%zone`.
    static func isIPv6(_ text: String) -> Bool {
        let parts = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 && parts[1].isEmpty { return false }
        var v6 = in6_addr()
        return inet_pton(AF_INET6, String(parts[0]), &v6) == 1
    }
}
