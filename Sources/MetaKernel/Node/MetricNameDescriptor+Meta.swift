import Prometheus

extension MetricNameDescriptor {
    /// `influxdb_meta_<name>`, the prefix of every family the node exports.
    static func meta(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "influxdb_meta", metricName: name, unitName: "", helpText: help)
    }
}
