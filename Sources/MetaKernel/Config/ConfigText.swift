import FoundationEssentials

/// Text helpers shared by messages and rendering.
enum ConfigText {
    /// `text` without leading and trailing tabs and Unicode space separators (what
    /// Foundation's `CharacterSet.whitespaces` trims; newlines stay).
    static func trimmingBlanks(_ text: some StringProtocol) -> String {
        func isBlank(_ character: Character) -> Bool {
            character == "\t"
                || character.unicodeScalars.allSatisfy { $0.properties.generalCategory == .spaceSeparator }
        }
        guard let first = text.firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = text.lastIndex(where: { !isBlank($0) })!
        return String(text[first...last])
    }

    /// `text` as a TOML basic string: in double quotes, with `"`, `\` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A key as TOML writes it: bare when it can be, quoted (with escapes) otherwise, so a
    /// message about it stays on one line.
    static func keyName(_ name: String) -> String {
        let bare =
            !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_"
            }
        return bare ? name : quoted(name)
    }

    /// `text` with control characters escaped, for a message that must stay on one line.
    static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += String(quoted(String(scalar)).dropFirst().dropLast())
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A path for a one-line message: as is, or quoted when it holds control characters.
    static func displayPath(_ path: String) -> String {
        path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? quoted(path) : path
    }

    /// Items joined as `a, b or c` (or `a or b`, or `a`).
    static func alternatives(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        guard items.count > 1 else { return last }
        return items.dropLast().joined(separator: ", ") + " or " + last
    }
}
