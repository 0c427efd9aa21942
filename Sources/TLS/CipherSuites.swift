/// The Go cipher-suite names `[tls] ciphers` accepts, and their OpenSSL names.
///
/// InfluxDB is written in Go, so its configuration names suites as Go's `crypto/tls` does
/// (the IANA names). TLS 1.0–1.2 suites go to `SSL_CTX_set_cipher_list`, TLS 1.3 suites to
/// `SSL_CTX_set_ciphersuites`; a list that names suites of only one kind leaves the other
/// kind at OpenSSL's default (as Go always enables its TLS 1.3 suites). To allow TLS 1.3
/// only, set `[tls] min-version = "tls1.3"`.
public enum CipherSuites {
    /// TLS 1.0–1.2 suites: Go name to OpenSSL name.
    public static let tls12: [String: String] = [
        "TLS_RSA_WITH_RC4_128_SHA": "RC4-SHA",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA": "DES-CBC3-SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA": "AES128-SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA": "AES256-SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA256": "AES128-SHA256",
        "TLS_RSA_WITH_AES_128_GCM_SHA256": "AES128-GCM-SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384": "AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA": "ECDHE-ECDSA-RC4-SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "ECDHE-ECDSA-AES128-SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "ECDHE-ECDSA-AES256-SHA",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA": "ECDHE-RSA-RC4-SHA",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA": "ECDHE-RSA-DES-CBC3-SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "ECDHE-RSA-AES128-SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "ECDHE-RSA-AES256-SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256": "ECDHE-ECDSA-AES128-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256": "ECDHE-RSA-AES128-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
        // Go's older spellings of the two suites above.
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305": "ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305": "ECDHE-ECDSA-CHACHA20-POLY1305",
    ]

    /// TLS 1.3 suites: Go and OpenSSL use the same names.
    public static let tls13: Set<String> = [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    ]

    /// A configured list split by protocol generation, in OpenSSL's spelling.
    struct Selection: Equatable {
        /// OpenSSL names for `SSL_CTX_set_cipher_list`, in configured order.
        var tls12: [String] = []
        /// Names for `SSL_CTX_set_ciphersuites`, in configured order.
        var tls13: [String] = []
    }

    /// Maps Go names to OpenSSL names; names are trimmed and compared case-sensitively, as Go does.
    /// - Throws: ``TLSError/Code/invalidConfiguration`` naming `setting` and the first unknown name.
    static func select(_ names: [String], setting: String) throws(TLSError) -> Selection {
        var selection = Selection()
        for raw in names {
            let name = raw.trimmingWhitespace()
            if let openSSLName = tls12[name] {
                if !selection.tls12.contains(openSSLName) { selection.tls12.append(openSSLName) }
            } else if tls13.contains(name) {
                if !selection.tls13.contains(name) { selection.tls13.append(name) }
            } else {
                throw TLSError(
                    .invalidConfiguration,
                    "\(setting): unknown cipher suite \"\(raw)\" (use Go names such as "
                        + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_AES_128_GCM_SHA256)"
                )
            }
        }
        return selection
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
