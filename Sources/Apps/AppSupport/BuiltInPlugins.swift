import ConsoleRegistration
import DNSDiscovery
import LicenseFile
import LicenseKey
public import MetaKernel
import StaticHosts
import TLS

/// The plugins this build links, for both apps: `influxd-meta` runs a node with them and
/// `influxd-ctl` dials one with the same discovery and TLS settings.
public enum BuiltInPlugins {
    /// A catalog with every built-in plugin registered.
    public static func catalog() -> PluginCatalog {
        var catalog = PluginCatalog()
        StaticHostsDiscovery.register(in: &catalog)
        DNSDiscovery.register(in: &catalog)
        OpenSSLTransport.register(in: &catalog)
        OpenSSLMessageAuthenticator.register(in: &catalog)
        OpenSSLPasswordHasher.register(in: &catalog)
        LicenseFilePlugin.register(in: &catalog)
        LicenseKeyPlugin.register(in: &catalog)
        WebConsoleRegistration.register(in: &catalog)
        return catalog
    }
}
