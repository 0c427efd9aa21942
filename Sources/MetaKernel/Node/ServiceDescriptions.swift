// ServiceLifecycle logs its services at debug level by `String(describing:)`. The kernel's
// services describe themselves by name only, so that no plugin's settings (a license key, a
// registration token) reach a log through them.

extension LicenseMonitorService: CustomStringConvertible {
    /// The service's name and the licensing mode.
    var description: String { "LicenseMonitorService(mode: \(licensing.mode))" }
}

extension RegistrationService: CustomStringConvertible {
    /// The service's name.
    var description: String { "RegistrationService" }
}

extension Bootstrapper: CustomStringConvertible {
    /// The service's name.
    var description: String { "Bootstrapper" }
}

extension NodeService: CustomStringConvertible {
    /// The service's name.
    var description: String { "NodeService" }
}

extension ReloadService: CustomStringConvertible {
    /// The service's name.
    public var description: String { "ReloadService" }
}
