/// The command line, read the way Go's `flag` package reads Enterprise's `influxd-ctl`.
///
/// Global flags may come before or after the command and be spelt `-name value`,
/// `-name=value`, `--name value` or `--name=value` (booleans `-name` or `-name=true|false`); the
/// last one given wins. Everything else is handed to ArgumentParser, command first, with each
/// multi-letter flag spelt `--name`: ArgumentParser reads an unknown `-name` as a bundle of
/// one-letter flags, and a bundle holding `h` would print help and exit 0 without running
/// anything.
struct CtlArguments {
    /// The global flags.
    var flags = GlobalFlags()
    /// The command name (the first argument that is neither a flag nor a flag's value).
    var command: String?
    /// What ArgumentParser reads: the command, the other flags found before it, then the rest.
    var remaining: [String] = []

    /// A command line that cannot be used, with the command it was for (when there is one).
    struct Failure: Error {
        /// The command named on the line, for the message's prefix.
        var command: String?
        /// What is wrong.
        var error: FlagError
    }

    /// Splits `arguments` (without the program name).
    /// - Throws: ``Failure`` for the first global flag that is misspelt, lacks its value or has
    ///   an invalid one, or for flags that do not go together.
    init(parsing arguments: [String]) throws(Failure) {
        var before: [String] = []
        var after: [String] = []
        var firstError: FlagError?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                after += arguments[(index - 1)...]
                break
            }
            guard let flag = Self.flagParts(argument) else {
                if command == nil { command = argument } else { after.append(argument) }
                continue
            }
            guard let definition = GlobalFlags.definitions.first(where: { $0.name == flag.name }) else {
                let spelt = flag.name.count == 1 ? "-\(flag.body)" : "--\(flag.body)"
                if command == nil { before.append(spelt) } else { after.append(spelt) }
                continue
            }
            do throws(FlagError) {
                try definition.apply(&flags, try Self.value(of: flag, definition, arguments, &index))
            } catch {
                firstError = firstError ?? error
            }
        }
        remaining = (command.map { [$0] } ?? []) + before + after
        do throws(FlagError) {
            if let firstError { throw firstError }
            try flags.validate()
        } catch {
            throw Failure(command: command, error: error)
        }
    }

    /// A flag's name and the value after `=`, if any.
    private struct FlagParts {
        /// The argument without its leading dashes.
        var body: Substring
        /// The part before `=`.
        var name: String
        /// The part after `=`.
        var value: String?
    }

    /// Splits `-name[=value]` or `--name[=value]`; `nil` for anything else: values such as `-`,
    /// `-5` and `host:8091`, and `---x`.
    private static func flagParts(_ argument: String) -> FlagParts? {
        guard argument.hasPrefix("-"), argument != "-" else { return nil }
        let body = argument.hasPrefix("--") ? argument.dropFirst(2) : argument.dropFirst()
        guard let first = body.first, first != "-", first != "=", !first.isNumber else { return nil }
        guard let equals = body.firstIndex(of: "=") else { return FlagParts(body: body, name: String(body)) }
        return FlagParts(
            body: body,
            name: String(body[..<equals]),
            value: String(body[body.index(after: equals)...])
        )
    }

    /// The value a global flag gets: after `=`, else the next argument; a boolean without `=`
    /// is `true`. Advances `index` past a value taken from the next argument.
    private static func value(
        of flag: FlagParts,
        _ definition: GlobalFlags.Definition,
        _ arguments: [String],
        _ index: inout Int
    ) throws(FlagError) -> String {
        guard definition.value != nil else {
            guard let text = flag.value else { return "true" }
            // Go's strconv.ParseBool.
            switch text {
            case "1", "t", "T", "true", "TRUE", "True": return "true"
            case "0", "f", "F", "false", "FALSE", "False": return "false"
            default: throw FlagError("-\(flag.name): invalid boolean value \"\(text)\" (use true or false)")
            }
        }
        if let text = flag.value { return text }
        guard index < arguments.count else {
            throw FlagError("-\(flag.name) needs a value: -\(flag.name) <\(definition.value ?? "value")>")
        }
        index += 1
        return arguments[index - 1]
    }
}
