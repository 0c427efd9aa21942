import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The process environment, refusing `INFLUXDB_*` values that are not UTF-8 (Foundation would
/// silently replace their bytes, so the value used would differ from the one set).
public enum RawEnvironment {
    /// Every variable whose value is UTF-8 text.
    /// - Throws: ``ConfigEnvironmentError`` naming an `INFLUXDB_*` variable that is not.
    public static func load() throws(ConfigEnvironmentError) -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            defer { entry += 1 }
            let length = strlen(pointer)
            let bytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                count: length
            )
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: bytes[..<equals], as: UTF8.self)
            guard let value = String(validating: bytes[(equals + 1)...], as: UTF8.self) else {
                if name.hasPrefix("INFLUXDB_") {
                    throw ConfigEnvironmentError(description: "environment \(name): the value is not valid UTF-8 text")
                }
                continue
            }
            result[name] = value
        }
        return result
    }
}

/// An environment variable that cannot be used.
public struct ConfigEnvironmentError: Error, CustomStringConvertible {
    /// One line naming the variable.
    public var description: String
}
