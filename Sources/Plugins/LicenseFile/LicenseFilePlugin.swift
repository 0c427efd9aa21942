import FoundationEssentials
public import MetaKernel
import TLS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `[enterprise] license-path`: a signed license file verified offline at start-up, and again
/// on SIGHUP (the node calls ``reload()``) and whenever the file changes, with no restart.
public struct LicenseFilePlugin: Licensing, Reloadable {
    /// Where the license and the trusted issuer keys are.
    public struct Configuration: Sendable {
        /// The license file (`[enterprise] license-path`).
        public var path: String
        /// Issuer public-key files (`[enterprise] license-issuer-keys`).
        public var issuerKeyPaths: [String]
        /// Issuer keys trusted without configuration, as PEM text.
        public var builtInIssuerKeys: [String]
        /// How often the file is checked for changes and the dates re-evaluated.
        public var pollInterval: Duration
        /// Whether ``LicenseFilePlugin/reload()``, which the node calls on SIGHUP, re-reads the file.
        public var reloadOnSIGHUP: Bool

        /// Creates a configuration: built-in keys, a 2-second poll, re-read on SIGHUP.
        public init(
            path: String,
            issuerKeyPaths: [String],
            builtInIssuerKeys: [String] = BuiltInIssuerKeys.pem,
            pollInterval: Duration = .seconds(2),
            reloadOnSIGHUP: Bool = true
        ) {
            self.path = path
            self.issuerKeyPaths = issuerKeyPaths
            self.builtInIssuerKeys = builtInIssuerKeys
            self.pollInterval = pollInterval
            self.reloadOnSIGHUP = reloadOnSIGHUP
        }

        /// `license-path` and `license-issuer-keys` of `config`.
        public init(config: MetaConfig) {
            self.init(path: config.enterprise.licensePath, issuerKeyPaths: config.enterprise.licenseIssuerKeys)
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let reloadRequests = ReloadRequests()

    /// Creates the plugin.
    public init(configuration: Configuration) { self.configuration = configuration }

    /// `license-path`.
    public var mode: String { "license-path" }

    /// Reads and verifies the file now.
    /// - Throws: ``LicenseError``, one line naming the file and the reason.
    public func check() async throws(LicenseError) -> LicenseState {
        let license = try load(now: Date())
        return Self.state(of: license, now: Date())
    }

    /// Re-reads the file on ``reload()`` (SIGHUP) and when it changes, re-evaluates the dates every poll, and
    /// reports each new state; a license that stops being valid is reported `.invalid`.
    public func monitor(onChange: @Sendable (LicenseState) -> Void) async {
        var identity = LicenseFileReader.identity(of: configuration.path)
        var license: License?
        var last: LicenseState?
        func reload(now: Date) async {
            do throws(LicenseError) {
                license = try load(now: now)
            } catch {
                // A file caught while it is copied in place reads short: look once more
                // before the node stops taking writes over it.
                try? await Task.sleep(for: Self.rereadDelay)
                do throws(LicenseError) {
                    license = try load(now: Date())
                } catch {
                    license = nil
                    report(LicenseState(status: .invalid(reason: error.message)))
                }
            }
        }
        func report(_ state: LicenseState) {
            guard state != last else { return }
            last = state
            onChange(state)
        }
        func evaluate(now: Date) {
            guard let current = license else { return }
            do throws(LicenseProblem) {
                try Self.checkDates(current, now: now)
                report(Self.state(of: current, now: now))
            } catch {
                report(LicenseState(status: .invalid(reason: describe(error)), expiresAt: current.expiresAt))
            }
        }

        await reload(now: Date())
        evaluate(now: Date())
        let (events, sink) = AsyncStream<Bool>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            if configuration.reloadOnSIGHUP {
                let requests = reloadRequests.subscribe()
                group.addTask {
                    for await _ in requests { sink.yield(true) }
                }
            }
            let interval = configuration.pollInterval
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    sink.yield(false)
                }
            }
            for await signalled in events {
                let now = Date()
                let current = LicenseFileReader.identity(of: configuration.path)
                if signalled || current != identity {
                    identity = current
                    await reload(now: now)
                }
                evaluate(now: now)
            }
            group.cancelAll()
        }
    }

    /// `license-path`, in reload log lines.
    public var reloadSubject: String { "[enterprise] license-path" }

    /// Makes the running monitor re-read the license file and the issuer keys; it reports the
    /// outcome through the license state, so this returns no warnings.
    public func reload() async throws -> [String] {
        reloadRequests.request()
        return []
    }

    /// How long the monitor waits before it reads a file that did not verify a second time.
    static let rereadDelay = Duration.milliseconds(250)

    /// The state of a verified license at `now`, with a notice inside 30, 7 and 1 days of expiry.
    static func state(of license: License, now: Date) -> LicenseState {
        let left = license.expiresAt.timeIntervalSince(now)
        let notice = [1, 7, 30].first { left <= Double($0) * 86_400 }.map {
            "the license expires within \($0) day\($0 == 1 ? "" : "s"); install a renewed license file and send SIGHUP"
        }
        return LicenseState(
            status: .valid,
            expiresAt: license.expiresAt,
            maxDataNodes: license.entitlements.dataNodes,
            maxCoresPerDataNode: license.entitlements.coresPerDataNode,
            notice: notice
        )
    }

    /// The dates of `license` at `now`.
    static func checkDates(_ license: License, now: Date) throws(LicenseProblem) {
        guard now >= license.notBefore else { throw .notYetValid(license.notBefore) }
        guard now < license.expiresAt else { throw .expired(license.expiresAt) }
    }

    /// Reads, parses and verifies the license against the trusted issuer keys.
    func load(now: Date) throws(LicenseError) -> License {
        let path = configuration.path
        let bytes: [UInt8]
        do {
            bytes = try LicenseFileReader.read(path)
        } catch {
            if error.code == ENOENT && LicenseKeyShape.matches(path) {
                throw LicenseError(message: "[enterprise] license-path: \(LicenseProblem.licenseKey.reason)")
            }
            throw LicenseError(message: describe(.unreadable(error.text)))
        }
        let keys = try issuerKeys()
        do throws(LicenseProblem) {
            let document = try LicenseDocument.parse(bytes)
            try LicenseVerifier(trusting: keys).verify(document, now: now)
            return document.license
        } catch {
            throw LicenseError(message: describe(error))
        }
    }

    /// The built-in keys and those of `license-issuer-keys`.
    public func issuerKeys() throws(LicenseError) -> [Ed25519.PublicKey] {
        var keys: [Ed25519.PublicKey] = []
        for pem in configuration.builtInIssuerKeys {
            // A built-in key that does not parse is a build defect, not a configuration problem.
            guard let key = try? Ed25519.PublicKey(pem: Array(pem.utf8)) else { continue }
            keys.append(key)
        }
        for path in configuration.issuerKeyPaths {
            do {
                keys.append(try Ed25519.PublicKey(pem: try LicenseFileReader.read(path)))
            } catch let failure as LicenseFileReader.ReadFailure {
                throw LicenseError(message: "[enterprise] license-issuer-keys \(path): \(failure.text)")
            } catch {
                throw LicenseError(
                    message: "[enterprise] license-issuer-keys \(path): not an Ed25519 public key in PEM (\(error))"
                )
            }
        }
        return keys
    }

    /// `[enterprise] license-path /etc/influxdb/license.json: <reason>`.
    func describe(_ problem: LicenseProblem) -> String {
        "[enterprise] license-path \(configuration.path): \(problem.reason)"
    }

    /// Registers the plugin as the catalog's `license-path` implementation.
    public static func register(in catalog: inout PluginCatalog) {
        catalog.licenseFile = { config in LicenseFilePlugin(configuration: Configuration(config: config)) }
    }
}
