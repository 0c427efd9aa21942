import FoundationEssentials
import GRDB

/// The console's registry: registered clusters, their servers with their latest statistics,
/// and a recent health history, in one SQLite file (GRDB) that survives restarts.
///
/// Times are stored as seconds since 1970 (REAL), so they read back exactly as written.
public final class Registry: Sendable {
    /// How the registry uses its file.
    public struct Configuration: Sendable {
        /// How long a call waits for another process's lock on the file before failing.
        public var busyTimeout: Duration
        /// How long health samples are kept: the hour the pages show, plus a margin.
        public var healthRetention: Duration

        /// Creates a configuration: 5 s busy timeout, 65 minutes of health.
        public init(busyTimeout: Duration = .seconds(5), healthRetention: Duration = .seconds(65 * 60)) {
            self.busyTimeout = busyTimeout
            self.healthRetention = healthRetention
        }
    }

    /// The SQLite file.
    public let path: String
    /// The configuration.
    public let configuration: Configuration
    let queue: DatabaseQueue

    /// Opens (or creates) the registry at `path` and brings its schema up to date.
    /// - Throws: ``RegistryError`` naming `path` when the file cannot be opened, is not a
    ///   database, or is locked by another process.
    public init(path: String, configuration: Configuration = .init()) throws(RegistryError) {
        self.path = path
        self.configuration = configuration
        var options = GRDB.Configuration()
        options.busyMode = .timeout(Double(configuration.busyTimeout / .milliseconds(1)) / 1000)
        options.label = "influx-console registry"
        do {
            queue = try DatabaseQueue(path: path, configuration: options)
            try Self.migrator.migrate(queue)
        } catch {
            throw Self.failure(error, path: path, doing: "open")
        }
    }

    /// Runs `body` in a write transaction, mapping SQLite failures to ``RegistryError``.
    func write<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(RegistryError) -> T {
        do {
            return try await queue.write(body)
        } catch {
            throw Self.failure(error, path: path, doing: what)
        }
    }

    /// Runs `body` in a read transaction, mapping SQLite failures to ``RegistryError``.
    func read<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(RegistryError) -> T {
        do {
            return try await queue.read(body)
        } catch {
            throw Self.failure(error, path: path, doing: what)
        }
    }

    /// One line naming the file, what failed and what to do.
    static func failure(_ error: any Error, path: String, doing what: String) -> RegistryError {
        guard let sqlite = error as? DatabaseError else {
            return RegistryError(.failed, "console database \(path): cannot \(what): \(error)")
        }
        let reason = sqlite.message ?? "\(sqlite.resultCode)"
        switch sqlite.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return RegistryError(
                .notADatabase,
                "console database \(path): \(reason); move the file aside or point -db at another file"
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return RegistryError(
                .locked,
                "console database \(path) is locked by another process (\(reason)); stop the other influx-console or use another -db file"
            )
        case .SQLITE_CANTOPEN, .SQLITE_PERM:
            return RegistryError(
                .cannotOpen,
                "console database \(path): cannot \(what) (\(reason)); check that its directory exists and is writable"
            )
        case .SQLITE_READONLY:
            return RegistryError(
                .readOnly,
                "console database \(path) is read-only (\(reason)); make the file and its directory writable"
            )
        default:
            return RegistryError(.failed, "console database \(path): cannot \(what): \(reason)")
        }
    }
}
