import MetaProto
import SwiftProtobuf

extension AccessCommand {
    /// Sets `command`'s type and extension for this command.
    func fill(_ command: inout Meta_Command) {
        switch self {
        case .createUser(let name, let hash, let admin):
            command.type = .createUserCommand
            command.Meta_CreateUserCommand_command = .with {
                $0.name = name
                $0.hash = hash
                $0.admin = admin
            }
        case .dropUser(let name):
            command.type = .dropUserCommand
            command.Meta_DropUserCommand_command = .with { $0.name = name }
        case .updateUser(let name, let hash):
            command.type = .updateUserCommand
            command.Meta_UpdateUserCommand_command = .with {
                $0.name = name
                $0.hash = hash
            }
        case .setAdmin(let name, let admin):
            command.type = .setAdminPrivilegeCommand
            command.Meta_SetAdminPrivilegeCommand_command = .with {
                $0.username = name
                $0.admin = admin
            }
        case .changeUserPermissions(let name, let permissions, let grant):
            command.type = .changeUserPermissionsCommand
            command.Meta_ChangeUserPermissionsCommand_command = .with {
                $0.name = name
                $0.permissions = ProtobufConversion.permissions(permissions)
                $0.grant = grant
            }
        case .createRole(let name):
            command.type = .createRoleCommand
            command.Meta_CreateRoleCommand_command = .with { $0.name = name }
        case .dropRole(let name):
            command.type = .dropRoleCommand
            command.Meta_DropRoleCommand_command = .with { $0.name = name }
        case .changeRoleUsers(let name, let users, let add):
            command.type = .changeRoleUsersCommand
            command.Meta_ChangeRoleUsersCommand_command = .with {
                $0.name = name
                $0.users = users
                $0.add = add
            }
        case .changeRolePermissions(let name, let permissions, let grant):
            command.type = .changeRolePermissionsCommand
            command.Meta_ChangeRolePermissionsCommand_command = .with {
                $0.name = name
                $0.permissions = ProtobufConversion.permissions(permissions)
                $0.grant = grant
            }
        }
    }

    /// The access command `command` carries, or `nil` when its type is not one.
    init?(protobuf command: Meta_Command, missing: (String) -> ProtobufError) throws(ProtobufError) {
        switch command.type {
        case .createUserCommand:
            guard command.hasMeta_CreateUserCommand_command else { throw missing("CreateUserCommand") }
            let body = command.Meta_CreateUserCommand_command
            self = .createUser(name: body.name, hash: body.hash, admin: body.admin)
        case .dropUserCommand:
            guard command.hasMeta_DropUserCommand_command else { throw missing("DropUserCommand") }
            self = .dropUser(name: command.Meta_DropUserCommand_command.name)
        case .updateUserCommand:
            guard command.hasMeta_UpdateUserCommand_command else { throw missing("UpdateUserCommand") }
            let body = command.Meta_UpdateUserCommand_command
            self = .updateUser(name: body.name, hash: body.hash)
        case .setAdminPrivilegeCommand:
            guard command.hasMeta_SetAdminPrivilegeCommand_command else { throw missing("SetAdminPrivilegeCommand") }
            let body = command.Meta_SetAdminPrivilegeCommand_command
            self = .setAdmin(name: body.username, admin: body.admin)
        case .changeUserPermissionsCommand:
            guard command.hasMeta_ChangeUserPermissionsCommand_command else {
                throw missing("ChangeUserPermissionsCommand")
            }
            let body = command.Meta_ChangeUserPermissionsCommand_command
            self = .changeUserPermissions(
                name: body.name,
                permissions: try ProtobufConversion.permissions(body.permissions),
                grant: body.grant
            )
        case .createRoleCommand:
            guard command.hasMeta_CreateRoleCommand_command else { throw missing("CreateRoleCommand") }
            self = .createRole(name: command.Meta_CreateRoleCommand_command.name)
        case .dropRoleCommand:
            guard command.hasMeta_DropRoleCommand_command else { throw missing("DropRoleCommand") }
            self = .dropRole(name: command.Meta_DropRoleCommand_command.name)
        case .changeRoleUsersCommand:
            guard command.hasMeta_ChangeRoleUsersCommand_command else { throw missing("ChangeRoleUsersCommand") }
            let body = command.Meta_ChangeRoleUsersCommand_command
            self = .changeRoleUsers(name: body.name, users: body.users, add: body.add)
        case .changeRolePermissionsCommand:
            guard command.hasMeta_ChangeRolePermissionsCommand_command else {
                throw missing("ChangeRolePermissionsCommand")
            }
            let body = command.Meta_ChangeRolePermissionsCommand_command
            self = .changeRolePermissions(
                name: body.name,
                permissions: try ProtobufConversion.permissions(body.permissions),
                grant: body.grant
            )
        default:
            return nil
        }
    }
}
