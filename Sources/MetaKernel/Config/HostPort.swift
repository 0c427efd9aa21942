import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A `host:port` listen or advertise address such as `":8089"`, `"0.0.0.0:8089"`, `"meta-1:8091"` or `"[::1]:8091"`.
///
/// Splitting follows Go's `net.SplitHostPort`: the port follows the last colon and an IPv6 host must be bracketed.
/// The port must be a decimal number in 0...65535 (service names such as `"http"` are not resolved).
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// The host part without brackets; empty means every interface (`":8089"`).
    public var host: String
    /// The TCP port, 0...65535; 0 asks the system for a free port.
    public var port: Int

    /// Creates an address from its parts.
    /// - Parameters:
    ///   - host: The host name or IP address, without brackets; empty for every interface.
    ///   - port: The TCP port, 0...65535.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses a bind address in the form `"host:port"`, `":port"` or `"[ipv6]:port"`.
    /// - Parameter text: The address as written in the configuration.
    /// - Throws: ``ConfigError`` such as
    ///   `invalid address ":70000" (port must be 0-65535; use "host:port" or ":port")`.
    public init(parsing text: String) throws(ConfigError) {
        func fail(_ reason: String) -> ConfigError {
            .invalidValue("invalid address \(ConfigText.quoted(text)) (\(reason); use \"host:port\" or \":port\")")
        }
        guard let lastColon = text.lastIndex(of: ":") else {
            throw fail("missing port")
        }
        let host: Substring
        if text.hasPrefix("[") {
            guard let closing = text.firstIndex(of: "]") else {
                throw fail("missing \"]\" after the IPv6 host")
            }
            guard text.index(after: closing) == lastColon else {
                throw fail("expected \":port\" right after \"]\"")
            }
            host = text[text.index(after: text.startIndex)..<closing]
        } else {
            host = text[..<lastColon]
            if host.contains(":") {
                throw fail("an IPv6 host must be in brackets, as in \"[::1]:8089\"")
            }
        }
        if host.contains("[") || host.contains("]") {
            throw fail("unexpected bracket in the host")
        }
        let portText = text[text.index(after: lastColon)...]
        guard !portText.isEmpty else {
            throw fail("missing port")
        }
        guard portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let port = Int(portText), port <= 65_535
        else {
            throw fail("port must be 0-65535")
        }
        self.init(host: String(host), port: port)
    }

    /// The address as `"host:port"`, re-bracketing an IPv6 host (`"[::1]:8091"`); `":8089"` when the host is empty.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether the host part means "every interface": empty, `0.0.0.0` or `::`.
    public var isWildcard: Bool {
        host.isEmpty || host == "0.0.0.0" || host == "::"
    }

    /// The address other nodes should dial: a wildcard host is replaced by `hostname`, or by `localhost` when
    /// `hostname` is empty (Enterprise behaviour).
    /// - Parameter hostname: The node's `hostname` setting.
    /// - Returns: This address with a routable host.
    public func advertised(hostname: String) -> HostPort {
        guard isWildcard else { return self }
        return HostPort(host: hostname.isEmpty ? "localhost" : hostname, port: port)
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0-9.
    fileprivate var isASCIIDigit: Bool {
        isASCII && isNumber
    }
}

extension HostPort {
    /// Whether `text` is an IPv4 or IPv6 address literal (without brackets), by the C library's parser.
    public static func isIPLiteral(_ text: String) -> Bool {
        // A plain byte buffer as the destination (16 bytes fit either family): libc's address
        // structs are attributed to another module in whole-module release builds.
        var buffer = [UInt8](repeating: 0, count: 16)
        return buffer.withUnsafeMutableBytes { bytes in
            inet_pton(AF_INET, text, bytes.baseAddress) == 1 || inet_pton(AF_INET6, text, bytes.baseAddress) == 1
        }
    }
}
