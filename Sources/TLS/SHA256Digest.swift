import COpenSSL

/// SHA-256 from the system's OpenSSL, for checksums (`influxd-ctl backup` manifests).
public enum SHA256Digest {
    /// The digest of `bytes` in lower-case hex (64 characters).
    public static func hex(_ bytes: [UInt8]) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in Ed25519.sha256(bytes) {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
