import FoundationEssentials
import TOMLKit

/// Applies the text of an `influxdb-meta.conf` to a ``ConfigAssembly``: syntax errors with line and column, typed
/// extraction with precise type errors, and warnings for unknown keys and sections.
enum ConfigFileReader {
    /// Parses `text` and stores every known key.
    /// - Parameters:
    ///   - text: The TOML document.
    ///   - file: The name used in messages.
    ///   - assembly: Receives the values, their sources and warnings.
    /// - Throws: ``ConfigError`` such as `<file> line 5, column 6: ...` or
    ///   `<file>: [meta] dir: expected a string, ...`.
    static func apply(_ text: String, file: String, to assembly: inout ConfigAssembly) throws(ConfigError) {
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].count(where: { $0 == UInt8(ascii: "\n") }) + 1
            throw .syntax("\(file) line \(line): the file contains a NUL byte")
        }
        if let problem = TOMLPreflight.problem(in: text) {
            throw .syntax("\(file) line \(problem.line), column \(problem.column): \(problem.message)")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw .syntax(
                "\(file) line \(position.line), column \(position.column): \(ConfigText.oneLine(error.description))"
            )
        } catch {
            throw .syntax("\(file): \(error)")
        }

        for name in root.keys.sorted() {
            guard let node = root[name] else { continue }
            if let section = ConfigSection(rawValue: name), let header = section.header {
                guard let table = node.table else {
                    throw .invalidValue("\(file): \(header): expected a table, got \(describe(node))")
                }
                for keyName in table.keys.sorted() {
                    guard let value = table[keyName] else { continue }
                    if let key = ConfigKey.bySection[section]?[keyName] {
                        try apply(key, value, file: file, to: &assembly)
                    } else {
                        assembly.warnings.append(
                            "\(file): unknown key \(header) \(ConfigText.keyName(keyName)) (ignored)"
                        )
                    }
                }
            } else if let key = ConfigKey.bySection[.top]?[name] {
                try apply(key, node, file: file, to: &assembly)
            } else if node.type == .table {
                assembly.warnings.append("\(file): unknown section [\(ConfigText.keyName(name))] (ignored)")
            } else {
                assembly.warnings.append("\(file): unknown key \(ConfigText.keyName(name)) (ignored)")
            }
        }
    }

    private static func apply(
        _ key: ConfigKey,
        _ node: any TOMLValueConvertible,
        file: String,
        to assembly: inout ConfigAssembly
    ) throws(ConfigError) {
        let context = "\(file): \(key.qualifiedName)"
        let value: ConfigValue
        do {
            value = try convert(node, to: key.kind)
        } catch {
            throw error.prefixed(context)
        }
        try assembly.set(key, to: value, from: .file, context: context)
    }

    /// Extracts a typed value, or throws `expected a string, got integer 8091`.
    private static func convert(_ node: any TOMLValueConvertible, to kind: ConfigKey.Kind) throws(ConfigError)
        -> ConfigValue
    {
        let mismatch = ConfigError.invalidValue("expected \(kind.expectation), got \(describe(node))")
        switch kind {
        case .bool:
            guard let flag = node.bool else { throw mismatch }
            return .bool(flag)
        case .int:
            guard let number = node.int else { throw mismatch }
            return .int(number)
        case .string:
            guard let text = node.string else { throw mismatch }
            return .string(text)
        case .duration:
            guard let text = node.string else { throw mismatch }
            return .duration(try GoDuration(parsing: text))
        case .strings:
            guard let array = node.array else { throw mismatch }
            var list: [String] = []
            for element in array {
                guard let text = element.string else {
                    throw .invalidValue("expected \(kind.expectation), got an array containing \(describe(element))")
                }
                list.append(text)
            }
            return .strings(list)
        }
    }

    /// `integer 8091`, `string "x"`, `boolean true`, `float 1.5`, `array`, `table`, `date-time 1979-05-27T07:32:00Z`.
    private static func describe(_ node: any TOMLValueConvertible) -> String {
        switch node.type {
        case .string: "string \(ConfigText.quoted(node.string ?? ""))"
        case .int: "integer \(node.int.map(String.init) ?? "")"
        case .double: "float \(node.double.map { String($0) } ?? "")"
        case .bool: "boolean \(node.bool.map(String.init) ?? "")"
        case .array: "an array"
        case .table: "a table"
        case .date: "date \(node.tomlValue.debugDescription)"
        case .time: "time \(node.tomlValue.debugDescription)"
        case .dateTime: "date-time \(node.tomlValue.debugDescription)"
        }
    }
}
