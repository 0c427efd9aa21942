/// Facts about this build.
public enum MetaBuild {
    /// The version `influxd-meta version` prints and `X-Influxdb-Version` carries.
    public static let version = "0.1.0"
}
