/// The entries of a hosts file in `/etc/hosts` format (`man 5 hosts`), read as glibc's
/// `files` lookup reads it: `IP name [alias...]` per line, fields separated by any blanks,
/// `#` starting a comment anywhere on a line, and lines whose first field is not an address
/// skipped.
public struct HostsFile: Sendable, Equatable {
    /// One line: an address and the names that map to it.
    public struct Entry: Sendable, Equatable {
        /// The IP address, as written (an IPv6 address may carry a zone: `fe80::1%eth0`).
        public var address: String
        /// The host names (canonical name first).
        public var names: [String]
    }

    /// The entries in file order.
    public var entries: [Entry]

    /// Parses hosts-file text. Lines that are not `IP name...` are skipped, as glibc does.
    public init(parsing text: String) {
        var entries: [Entry] = []
        // Unicode scalars, not Characters: "\r\n" is one Character, and glibc splits lines at
        // "\n" only, treating "\r" as a blank.
        for line in text.unicodeScalars.split(separator: "\n") {
            let content = line.prefix { $0 != "#" }
            let fields = content.split(whereSeparator: Self.isBlank).map { String(String.UnicodeScalarView($0)) }
            guard fields.count >= 2, IPAddress.isLiteral(fields[0]) else { continue }
            entries.append(Entry(address: fields[0], names: Array(fields.dropFirst())))
        }
        self.entries = entries
    }

    /// The addresses of `host` (case-insensitive): the first line naming it among IPv4 lines,
    /// then the first among IPv6 lines. A later line for the same name is ignored, as
    /// `gethostbyname` (`getent hosts`) ignores it, so the name maps to what `ping` reaches.
    public func addresses(of host: String) -> [String] {
        let wanted = host.lowercased()
        let matches = entries.filter { $0.names.contains { $0.lowercased() == wanted } }.map(\.address)
        let v4 = matches.first { !IPAddress.isIPv6($0) }
        let v6 = matches.first { IPAddress.isIPv6($0) }
        return [v4, v6].compactMap { $0 }
    }

    /// glibc's `isspace` in the C locale: the separators between fields.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }
}
