import FoundationEssentials

/// The bodies of the registration calls, checked field by field: each problem becomes a
/// message under its field's name, as the 422 answer lists them.
struct ValidationErrors {
    private(set) var fields: [String: [String]] = [:]

    var isEmpty: Bool { fields.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        fields[field, default: []].append(message)
    }

    /// The string field `name` of `object`: required (non-empty) or optional.
    mutating func string(_ object: [String: JSONValue], _ name: String, required: Bool) -> String {
        switch object[name] {
        case nil, .null?:
            if required { add(name, "is required") }
            return ""
        case .string(let value)?:
            if required && value.isEmpty { add(name, "is required") }
            if value.utf8.count > RegistrationRoutes.maximumFieldLength {
                add(name, "is longer than \(RegistrationRoutes.maximumFieldLength) bytes")
            }
            return value
        case let other?:
            add(name, "must be a string, not \(other.typeName)")
            return ""
        }
    }
}

/// `POST /api/v1/servers`.
struct ServerBody {
    var clusterID: String
    var serverID: String
    var host: String
    var product: String
    var version: String

    init(_ value: JSONValue, errors: inout ValidationErrors) {
        let object = value.object ?? [:]
        if value.object == nil { errors.add("body", "must be a JSON object, not \(value.typeName)") }
        clusterID = errors.string(object, "cluster_id", required: true)
        serverID = errors.string(object, "server_id", required: true)
        host = errors.string(object, "host", required: false)
        product = errors.string(object, "product", required: false)
        version = errors.string(object, "version", required: false)
    }
}

/// `POST /api/v1/stats/{product}`.
struct StatsBody {
    var clusterID: String
    var serverID: String
    var entries: [StatsEntry] = []

    init(_ value: JSONValue, errors: inout ValidationErrors) {
        let object = value.object ?? [:]
        if value.object == nil { errors.add("body", "must be a JSON object, not \(value.typeName)") }
        clusterID = errors.string(object, "cluster_id", required: true)
        serverID = errors.string(object, "server_id", required: true)
        switch object["stats"] {
        case nil, .null?:
            break
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                if let entry = Self.entry(item, index: index, errors: &errors) { entries.append(entry) }
            }
        case let other?:
            errors.add("stats", "must be an array, not \(other.typeName)")
        }
    }

    private static func entry(_ item: JSONValue, index: Int, errors: inout ValidationErrors) -> StatsEntry? {
        guard let object = item.object else {
            errors.add("stats", "entry \(index) must be an object, not \(item.typeName)")
            return nil
        }
        guard let name = object["name"]?.string, !name.isEmpty else {
            errors.add("stats", "entry \(index) needs a name (a non-empty string)")
            return nil
        }
        var tags: [String: String] = [:]
        switch object["tags"] {
        case nil, .null?:
            break
        case .object(let members)?:
            for (key, value) in members {
                guard let text = value.string else {
                    errors.add("stats", "entry \(index) (\(name)): tag \(key) must be a string, not \(value.typeName)")
                    continue
                }
                tags[key] = text
            }
        case let other?:
            errors.add("stats", "entry \(index) (\(name)): tags must be an object, not \(other.typeName)")
        }
        var values: [String: JSONValue] = [:]
        switch object["values"] {
        case nil, .null?:
            break
        case .object(let members)?:
            values = members
        case let other?:
            errors.add("stats", "entry \(index) (\(name)): values must be an object, not \(other.typeName)")
        }
        return StatsEntry(name: name, tags: tags, values: values)
    }
}

/// `POST /api/v1/usage/{product}`: a bare array of `{"tags":{...},"values":{...}}`.
struct UsageBody {
    var count = 0

    init(_ value: JSONValue, errors: inout ValidationErrors) {
        switch value {
        case .null:
            break
        case .array(let items):
            for (index, item) in items.enumerated() where item.object == nil {
                errors.add("body", "entry \(index) must be an object, not \(item.typeName)")
            }
            count = items.count
        default:
            errors.add("body", "must be a JSON array, not \(value.typeName)")
        }
    }
}
