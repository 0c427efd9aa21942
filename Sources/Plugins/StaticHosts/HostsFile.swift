/// The entries of a hosts file in `/etc/hosts` format: `IP name [alias...]`, `#` comments.
public struct HostsFile: Sendable, Equatable {
    /// One line: an address and the names that map to it.
    public struct Entry: Sendable, Equatable {
        /// The IP address.
        public var address: String
        /// The host names (canonical name first).
        public var names: [String]
    }

    /// The entries in file order.
    public var entries: [Entry]

    /// Parses hosts-file text. Lines that are not `IP name...` are skipped, as glibc does.
    public init(parsing text: String) {
        var entries: [Entry] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 2, IPAddress.isLiteral(fields[0]) else { continue }
            entries.append(Entry(address: fields[0], names: Array(fields.dropFirst())))
        }
        self.entries = entries
    }

    /// The addresses for `host` (case-insensitive), in file order, IPv4 first.
    public func addresses(of host: String) -> [String] {
        let wanted = host.lowercased()
        let matches = entries.filter { $0.names.contains { $0.lowercased() == wanted } }.map(\.address)
        var seen = Set<String>()
        let unique = matches.filter { seen.insert($0).inserted }
        return unique.filter { !$0.contains(":") } + unique.filter { $0.contains(":") }
    }
}
