/// Compares the `X-Authorization` header with the console's token in time that depends on
/// their lengths only, not on where they first differ.
struct TokenCheck: Sendable {
    private let token: [UInt8]

    /// A check against `token`.
    init(token: String) {
        self.token = Array(token.utf8)
    }

    /// Whether `presented` is the token.
    func accepts(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let bytes = Array(presented.utf8)
        var difference = UInt8(truncatingIfNeeded: bytes.count ^ token.count)
        difference |= bytes.count == token.count ? 0 : 1
        for index in 0..<max(bytes.count, token.count) {
            let left = index < bytes.count ? bytes[index] : 0
            let right = index < token.count ? token[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
