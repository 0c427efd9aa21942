extension WebConsoleRegistration: CustomStringConvertible {
    /// The console and the interval, never the token: service lists are logged at debug level.
    public var description: String { "WebConsoleRegistration(\(configuration))" }
}

extension WebConsoleRegistration.Configuration: CustomStringConvertible {
    /// The settings with the token masked.
    public var description: String {
        "serverURL: \(serverURL), token: \(token.isEmpty ? "none" : "<masked>"), statsInterval: \(statsInterval)"
    }
}
