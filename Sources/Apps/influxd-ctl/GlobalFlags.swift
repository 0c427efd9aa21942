import MetaKernel

/// The flags every command takes, as Enterprise documents them (`-auth-type`, `-bind`,
/// `-bind-tls`, `-config`, `-k`, `-pwd`, `-secret`, `-timeout`, `-user`).
///
/// An unset optional leaves the decision to the configuration ``CtlConnection`` loads: flags
/// take precedence over it, in either direction (`-bind-tls=false`, `-k=false`).
struct GlobalFlags: Sendable {
    /// How requests authenticate (`-auth-type`).
    enum AuthType: String, Sendable, CaseIterable {
        /// No credentials.
        case none
        /// `Authorization: Basic` with `-user` and `-pwd`.
        case basic
        /// `Authorization: Bearer` with an HS256 token signed with `-secret`.
        case jwt
    }

    /// `-auth-type`.
    var authType = AuthType.none
    /// `-bind`; `nil` dials the node the configuration describes (`localhost:8091` by default).
    var bind: String?
    /// `-bind-tls`; `nil` follows `[meta] https-enabled`.
    var bindTLS: Bool?
    /// `-config`; `nil` looks where `influxd-meta` does.
    var config: String?
    /// `-k`; `nil` follows `[meta] https-insecure-tls`.
    var insecure: Bool?
    /// `-user`.
    var user: String?
    /// `-pwd`.
    var password: String?
    /// `-secret`.
    var secret: String?
    /// `-timeout`.
    var timeout = Duration.seconds(10)

    /// The flags of the running command, set by `main` once they are parsed.
    @TaskLocal static var current = GlobalFlags()
}

extension GlobalFlags {
    /// One global flag: its name, whether it takes a value, its help and how it is stored.
    struct Definition: Sendable {
        /// The name without dashes.
        let name: String
        /// The placeholder shown in help (`host:port`), or `nil` for a boolean flag.
        let value: String?
        /// One line of help.
        let help: String
        /// Stores a value (`"true"`/`"false"` for a boolean); throws the reason it is invalid.
        let apply: @Sendable (inout GlobalFlags, String) throws(FlagError) -> Void
    }

    /// Every global flag, in the order help lists them.
    static let definitions: [Definition] = [
        Definition(
            name: "auth-type",
            value: "none|basic|jwt",
            help: "How to authenticate: none (default), basic (-user, -pwd) or jwt (-secret, -user)."
        ) { flags, text throws(FlagError) in
            guard let type = AuthType(rawValue: text) else {
                throw FlagError("-auth-type: invalid value \"\(text)\" (use none, basic or jwt)")
            }
            flags.authType = type
        },
        Definition(
            name: "bind",
            value: "host:port",
            help: "The meta node to talk to (default: the configured node's address, else localhost:8091)."
        ) { flags, text throws(FlagError) in flags.bind = text },
        Definition(
            name: "bind-tls",
            value: nil,
            help: "Use TLS (https); on by default when the configuration has https-enabled = true."
        ) { flags, text throws(FlagError) in flags.bindTLS = text == "true" },
        Definition(
            name: "config",
            value: "file",
            help: "The node's influxdb-meta.conf, for TLS and discovery (default: where influxd-meta looks)."
        ) { flags, text throws(FlagError) in flags.config = text },
        Definition(
            name: "k",
            value: nil,
            help: "With TLS: do not verify the meta node's certificate (as https-insecure-tls = true)."
        ) { flags, text throws(FlagError) in flags.insecure = text == "true" },
        Definition(
            name: "pwd",
            value: "password",
            help: "The password, with -auth-type basic."
        ) { flags, text throws(FlagError) in flags.password = text },
        Definition(
            name: "secret",
            value: "secret",
            help: "The meta nodes' shared-secret that signs the token, with -auth-type jwt."
        ) { flags, text throws(FlagError) in flags.secret = text },
        Definition(
            name: "timeout",
            value: "duration",
            help: "How long a command may take, in Go syntax (default 10s)."
        ) { flags, text throws(FlagError) in
            do {
                flags.timeout = try GoDuration(parsing: text).duration
            } catch {
                throw FlagError("-timeout: invalid duration \"\(text)\" (use Go syntax such as \"10s\" or \"1m0s\")")
            }
        },
        Definition(
            name: "user",
            value: "name",
            help: "The user name, with -auth-type basic or jwt."
        ) { flags, text throws(FlagError) in flags.user = text },
    ]

    /// The help section listing ``definitions``, appended to every command's help.
    static var helpSection: String {
        let rows = definitions.map { ("-\($0.name)" + ($0.value.map { " <\($0)>" } ?? ""), $0.help) }
        let width = rows.map(\.0.count).max() ?? 0
        var text = "GLOBAL OPTIONS (before or after the command; also --name, -name=value, --name=value):\n"
        for (spelling, help) in rows {
            text += "  " + spelling + String(repeating: " ", count: width - spelling.count + 2) + help + "\n"
        }
        return text
    }

    /// Checks that the flags given make sense together.
    func validate() throws(FlagError) {
        switch authType {
        case .none:
            let given = [("-user", user), ("-pwd", password), ("-secret", secret)].filter { $0.1 != nil }
            if let first = given.first {
                throw FlagError("\(first.0) needs -auth-type basic or jwt (the default, none, sends no credentials)")
            }
        case .basic:
            guard user != nil else { throw FlagError("-auth-type basic needs -user (and -pwd)") }
            if secret != nil { throw FlagError("-secret is for -auth-type jwt; with basic, use -user and -pwd") }
        case .jwt:
            guard secret != nil else { throw FlagError("-auth-type jwt needs -secret (the meta nodes' shared-secret)") }
            if password != nil { throw FlagError("-pwd is for -auth-type basic; with jwt, use -secret and -user") }
        }
    }
}

/// A global flag that is misspelt, lacks its value or has an invalid one.
struct FlagError: Error, CustomStringConvertible {
    /// One line naming the flag and saying what to do.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
