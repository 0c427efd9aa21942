extension MetaCommand {
    /// What the command acts on, for the audit line.
    var auditSubject: String {
        switch self {
        case .createDatabase(let name, _), .dropDatabase(let name): "\"\(name)\""
        case .createMetaNode(let httpAddress, _, _): httpAddress
        case .deleteMetaNode(let id): "\(id)"
        case .access(let command): "\"\(command.name)\""
        case .data(let command): command.typeName
        }
    }

    /// Why `principal` may not send this command through `POST /execute`, or `nil`.
    func refusal(for principal: Principal, in data: MetaData) -> String? {
        switch self {
        case .createDatabase(let name, _): principal.refusal(.createDatabase, on: name, in: data)
        case .dropDatabase(let name): principal.refusal(.dropDatabase, on: name, in: data)
        case .createMetaNode, .deleteMetaNode, .access, .data: principal.adminRefusal
        }
    }
}
