import ArgumentParser
import FoundationEssentials
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl role create|drop|add-user|remove-user|grant|revoke|list`.
    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage roles",
            subcommands: [Create.self, Drop.self, AddUser.self, RemoveUser.self, Grant.self, Revoke.self, List.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a role")
            @Argument(help: "The role name.") var name: String

            func run() async throws {
                await AccessRequest.post(
                    "role create",
                    path: "/role",
                    action: "create",
                    fields: AccessFields(name: name)
                )
                print("Created role \(name)")
            }
        }

        struct Drop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Drop a role")
            @Argument(help: "The role name.") var name: String

            func run() async throws {
                await AccessRequest.post("role drop", path: "/role", action: "delete", fields: AccessFields(name: name))
                print("Dropped role \(name)")
            }
        }

        struct AddUser: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add-user", abstract: "Add users to a role")
            @Argument(help: "The role name.") var name: String
            @Argument(help: "User names.") var users: [String]

            func run() async throws {
                await AccessRequest.post(
                    "role add-user",
                    path: "/role",
                    action: "add-users",
                    fields: AccessFields(name: name, users: users)
                )
                print("Added \(users.joined(separator: ", ")) to role \(name)")
            }
        }

        struct RemoveUser: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove-user",
                abstract: "Remove users from a role"
            )
            @Argument(help: "The role name.") var name: String
            @Argument(help: "User names.") var users: [String]

            func run() async throws {
                await AccessRequest.post(
                    "role remove-user",
                    path: "/role",
                    action: "remove-users",
                    fields: AccessFields(name: name, users: users)
                )
                print("Removed \(users.joined(separator: ", ")) from role \(name)")
            }
        }

        struct Grant: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Grant permissions to a role")
            @Argument(help: "The role name.") var name: String
            @Argument(help: "Permissions, such as CreateDatabase or ReadData.") var permissions: [String]
            @Option(name: .go("db"), help: "The database (default: cluster-wide).") var database = ""

            func run() async throws {
                await AccessRequest.changePermissions(
                    "role grant",
                    kind: "role",
                    name,
                    permissions,
                    database,
                    add: true
                )
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke permissions from a role")
            @Argument(help: "The role name.") var name: String
            @Argument(help: "Permissions, such as CreateDatabase or ReadData.") var permissions: [String]
            @Option(name: .go("db"), help: "The database (default: cluster-wide).") var database = ""

            func run() async throws {
                await AccessRequest.changePermissions(
                    "role revoke",
                    kind: "role",
                    name,
                    permissions,
                    database,
                    add: false
                )
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List roles")

            func run() async throws {
                struct Answer: Decodable {
                    struct Entry: Decodable {
                        var name: String
                        var users: [String]?
                        var permissions: [String: [String]]?
                    }
                    var roles: [Entry]?
                }
                let answer = await AccessRequest.get("role list", path: "/role", as: Answer.self)
                var out = "Roles\n==========\n"
                out += ShowRendering.table(
                    [["Name", "Users", "Permissions"]]
                        + (answer.roles ?? []).map {
                            [
                                $0.name, ($0.users ?? []).isEmpty ? "-" : ($0.users ?? []).joined(separator: ", "),
                                AccessRequest.render($0.permissions ?? [:]),
                            ]
                        }
                )
                print(out, terminator: "")
            }
        }
    }
}
