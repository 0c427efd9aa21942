import ArgumentParser
import FoundationEssentials
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl user create|drop|password|admin|grant|revoke|list`: users of the meta API.
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage users",
            subcommands: [Create.self, Drop.self, Password.self, Admin.self, Grant.self, Revoke.self, List.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a user")
            @Argument(help: "The user name.") var name: String
            @Option(name: .go("password"), help: "The password (default: read a line from standard input).")
            var password: String?
            @Flag(name: .go("admin"), help: "Make the user an admin.") var admin = false

            func run() async throws {
                let secret = AccessRequest.password(password, command: "user create")
                await AccessRequest.post(
                    "user create",
                    path: "/user",
                    action: "create",
                    fields: AccessFields(name: name, password: secret, admin: admin)
                )
                print("Created user \(name)\(admin ? " (admin)" : "")")
            }
        }

        struct Drop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Drop a user")
            @Argument(help: "The user name.") var name: String

            func run() async throws {
                await AccessRequest.post("user drop", path: "/user", action: "delete", fields: AccessFields(name: name))
                print("Dropped user \(name)")
            }
        }

        struct Password: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Set a user's password")
            @Argument(help: "The user name.") var name: String
            @Option(name: .go("password"), help: "The new password (default: read a line from standard input).")
            var password: String?

            func run() async throws {
                let secret = AccessRequest.password(password, command: "user password")
                await AccessRequest.post(
                    "user password",
                    path: "/user",
                    action: "change-password",
                    fields: AccessFields(name: name, password: secret)
                )
                print("Changed password of user \(name)")
            }
        }

        struct Admin: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Make a user an admin, or not (-revoke)")
            @Argument(help: "The user name.") var name: String
            @Flag(name: .go("revoke"), help: "Take the admin flag away.") var revoke = false

            func run() async throws {
                await AccessRequest.post(
                    "user admin",
                    path: "/user",
                    action: "set-admin",
                    fields: AccessFields(name: name, admin: !revoke)
                )
                print(revoke ? "User \(name) is no longer an admin" : "User \(name) is now an admin")
            }
        }

        struct Grant: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Grant permissions to a user")
            @Argument(help: "The user name.") var name: String
            @Argument(help: "Permissions, such as CreateDatabase or ReadData.") var permissions: [String]
            @Option(name: .go("db"), help: "The database (default: cluster-wide).") var database = ""

            func run() async throws {
                await AccessRequest.changePermissions(
                    "user grant",
                    kind: "user",
                    name,
                    permissions,
                    database,
                    add: true
                )
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke permissions from a user")
            @Argument(help: "The user name.") var name: String
            @Argument(help: "Permissions, such as CreateDatabase or ReadData.") var permissions: [String]
            @Option(name: .go("db"), help: "The database (default: cluster-wide).") var database = ""

            func run() async throws {
                await AccessRequest.changePermissions(
                    "user revoke",
                    kind: "user",
                    name,
                    permissions,
                    database,
                    add: false
                )
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List users")

            func run() async throws {
                struct Answer: Decodable {
                    struct Entry: Decodable {
                        var name: String
                        var admin: Bool?
                        var permissions: [String: [String]]?
                    }
                    var users: [Entry]
                }
                let answer = await AccessRequest.get("user list", path: "/user", as: Answer.self)
                var out = "Users\n==========\n"
                out += ShowRendering.table(
                    [["Name", "Admin", "Permissions"]]
                        + answer.users.map {
                            [$0.name, "\($0.admin ?? false)", AccessRequest.render($0.permissions ?? [:])]
                        }
                )
                print(out, terminator: "")
            }
        }
    }
}

/// The requests `user` and `role` send.
enum AccessRequest {
    /// `given`, or one line read from standard input; never empty.
    static func password(_ given: String?, command: String) -> String {
        if let given, !given.isEmpty { return given }
        guard let line = readLine(), !line.isEmpty else {
            Ctl.fail(command, "no password: pass -password or write it on standard input")
        }
        return line
    }

    /// Posts `body` and fails with the server's reason unless it answers 200.
    static func post(_ command: String, path: String, action: String, fields: AccessFields) async {
        let connection = CtlConnection.open(command)
        let body =
            path == "/user"
            ? AccessBody(action: action, user: fields, role: nil) : AccessBody(action: action, user: nil, role: fields)
        let bytes = Ctl.encode(body)
        do {
            let answer = try await connection.client().post(connection.bind, path, json: bytes)
            guard answer.status == 200 else { Ctl.fail(command, answer: answer) }
        } catch {
            Ctl.fail(command, error, bind: connection.bind)
        }
    }

    /// Gets `path` and decodes the answer.
    static func get<T: Decodable>(_ command: String, path: String, as type: T.Type) async -> T {
        let connection = CtlConnection.open(command)
        do {
            let answer = try await connection.client().get(connection.bind, path)
            guard answer.status == 200 else { Ctl.fail(command, answer: answer) }
            return try answer.decode(type)
        } catch {
            Ctl.fail(command, error, bind: connection.bind)
        }
    }

    /// Grants or revokes `permissions` of a user or role on `database` (`""`: cluster-wide).
    static func changePermissions(
        _ command: String,
        kind: String,
        _ name: String,
        _ permissions: [String],
        _ database: String,
        add: Bool
    ) async {
        await post(
            command,
            path: "/\(kind)",
            action: add ? "add-permissions" : "remove-permissions",
            fields: AccessFields(name: name, permissions: [database: permissions])
        )
        let scope = database.isEmpty ? "cluster-wide" : "on database \(database)"
        let list = permissions.joined(separator: ", ")
        print(add ? "Granted \(list) to \(kind) \(name) \(scope)" : "Revoked \(list) from \(kind) \(name) \(scope)")
    }

    /// Permissions as `db0: ReadData, WriteData; (cluster): CreateDatabase`.
    static func render(_ permissions: [String: [String]]) -> String {
        guard !permissions.isEmpty else { return "-" }
        return permissions.keys.sorted().map { database in
            "\(database.isEmpty ? "(cluster)" : database): \(permissions[database]!.joined(separator: ", "))"
        }.joined(separator: "; ")
    }
}

/// The body of `POST /user` and `POST /role`.
struct AccessBody: Encodable {
    var action: String
    var user: AccessFields?
    var role: AccessFields?
}

/// The user or role a request names, with what it changes.
struct AccessFields: Encodable {
    var name: String
    var password: String?
    var admin: Bool?
    var users: [String]?
    var permissions: [String: [String]]?

    init(
        name: String,
        password: String? = nil,
        admin: Bool? = nil,
        users: [String]? = nil,
        permissions: [String: [String]]? = nil
    ) {
        self.name = name
        self.password = password
        self.admin = admin
        self.users = users
        self.permissions = permissions
    }
}
