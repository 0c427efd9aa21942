/// Checks a config file for inputs the TOML parser (toml++ inside TOMLKit) must never see.
///
/// - A table header with no name (`[` or `[[` followed by a line end or a comment) trips an
///   assertion in toml++'s key parser: the process aborts in a debug build, and the assertion is
///   an optimiser assumption (undefined behaviour) in a release build. Found by the config fuzzer.
/// - A `\u0000` escape in a string is cut at the NUL when TOMLKit hands the string over, so the
///   value used would silently differ from the one written.
///
/// The scan follows strings, comments and multi-line arrays just far enough to know when a
/// line starts a table header; anything else is left to the parser.
enum TOMLPreflight {
    /// The first problem found, as `(line, column, message)`, or `nil`.
    static func problem(in text: String) -> (line: Int, column: Int, message: String)? {
        var depth = 0  // open brackets and braces of a value that spans lines
        var multiline: String?  // the closing delimiter of a multi-line string we are in
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Array(rawLine.unicodeScalars)
            let number = index + 1
            var i = 0
            if multiline == nil, depth == 0 {
                while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
                if i < line.count, line[i] == "[" {
                    var j = i + 1
                    if j < line.count, line[j] == "[" { j += 1 }
                    while j < line.count, line[j] == " " || line[j] == "\t" { j += 1 }
                    if j == line.count || !isKeyStart(line[j]) {
                        return (number, j + 1, "Error while parsing table header: expected a table name after \"[\"")
                    }
                    continue  // a header line holds no value brackets
                }
                i = 0
            }
            while i < line.count {
                let c = line[i]
                if let closing = multiline {
                    if line[i...].starts(with: closing.unicodeScalars) {
                        multiline = nil
                        i += 3
                        continue
                    }
                    if c == "\\" && closing == "\"\"\"" { i += 1 }
                    i += 1
                    continue
                }
                switch c {
                case "#":
                    i = line.count
                case "\"", "'":
                    let triple = String(repeating: String(c), count: 3)
                    if line[i...].starts(with: triple.unicodeScalars) {
                        multiline = triple
                        i += 3
                        continue
                    }
                    i += 1
                    while i < line.count, line[i] != c {
                        if c == "\"" && line[i] == "\\" {
                            if let nul = nulEscape(line, at: i) { return (number, nul + 1, nulMessage) }
                            i += 1
                        }
                        i += 1
                    }
                    i += 1
                case "[", "{":
                    depth += 1
                    i += 1
                case "]", "}":
                    depth = max(depth - 1, 0)
                    i += 1
                default:
                    i += 1
                }
            }
            if let closing = multiline, closing == "\"\"\"" {
                for k in line.indices where line[k] == "\\" {
                    if let nul = nulEscape(line, at: k) { return (number, nul + 1, nulMessage) }
                }
            }
        }
        return nil
    }

    /// A character a key can start with: bare-key characters and quotes.
    private static func isKeyStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_"
            || c == "\"" || c == "'"
    }

    static let nulMessage = "strings must not contain a NUL character (\\u0000)"

    /// The column of a `\u0000` or `\U00000000` escape starting at `i`, if there is one.
    private static func nulEscape(_ line: [Unicode.Scalar], at i: Int) -> Int? {
        guard i + 1 < line.count else { return nil }
        let width = line[i + 1] == "u" ? 4 : line[i + 1] == "U" ? 8 : 0
        guard width > 0, i + 2 + width <= line.count else { return nil }
        return line[(i + 2)..<(i + 2 + width)].allSatisfy { $0 == "0" } ? i : nil
    }
}
