import Foundation
import TestSupport

/// Runs the built `influxd-ctl` the way an operator on a meta server would, with an environment
/// of its own: `HOME` is an empty directory and no `INFLUXDB_*` variable is set, so the only
/// configuration it reads is the one a test names (unless `environment` adds one).
func ctl(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
    let home = try makeTemporaryDirectory("ctl-home")
    var variables = ["HOME": home, "PATH": "/usr/bin:/bin"]
    variables.merge(environment) { $1 }
    return try await runCommand(Binaries.ctl, arguments, environment: variables)
}

/// Where a global flag goes on the command line.
enum FlagPosition: CaseIterable, CustomStringConvertible {
    case beforeCommand, afterCommand

    var description: String { self == .beforeCommand ? "before the command" : "after the command" }
}

/// The four spellings Go's `flag` package accepts for a flag with a value.
func spellings(_ name: String, _ value: String) -> [[String]] {
    [["-\(name)", value], ["-\(name)=\(value)"], ["--\(name)", value], ["--\(name)=\(value)"]]
}

/// The spellings of a boolean flag that turn it on.
func booleanSpellings(_ name: String) -> [[String]] {
    [["-\(name)"], ["-\(name)=true"], ["--\(name)"], ["--\(name)=true"]]
}

/// `command` with `flags` in front of it or behind it.
func line(_ command: [String], _ flags: [String], _ position: FlagPosition) -> [String] {
    position == .beforeCommand ? flags + command : command + flags
}

/// The plain `show` output for meta nodes at `addresses`.
func showOutput(_ addresses: [String]) -> String {
    "Meta Nodes\n==========\nTCP Address\n" + addresses.map { "\($0)\n" }.joined()
}
