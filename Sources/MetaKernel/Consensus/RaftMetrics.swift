public import Prometheus

/// What the Raft loop reports to Prometheus: apply latency, appended proposals and batches,
/// and snapshots. Handles are made once; recording takes no registry lock.
public struct RaftMetrics: Sendable {
    let applyDuration: DurationHistogram
    let proposals: Counter
    let batches: Counter
    let snapshotBytes: Gauge
    let snapshotDuration: DurationHistogram

    /// Registers the Raft families in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        let fast: [Duration] = [
            .microseconds(10), .microseconds(50), .microseconds(100), .microseconds(500), .milliseconds(1),
            .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500),
            .seconds(1),
        ]
        applyDuration = registry.makeDurationHistogram(
            descriptor: .meta(
                "raft_apply_duration_seconds",
                help: "Time the state machine took to apply one committed log entry."
            ),
            buckets: fast
        )
        proposals = registry.makeCounter(
            descriptor: .meta("raft_proposals_total", help: "Commands this node appended to the Raft log as leader.")
        )
        batches = registry.makeCounter(
            descriptor: .meta(
                "raft_proposal_batches_total",
                help: "raft_apply calls that appended those commands (proposals queued together share one)."
            )
        )
        snapshotBytes = registry.makeGauge(
            descriptor: .meta("raft_snapshot_size_bytes", help: "Size of the latest snapshot this node took.")
        )
        snapshotDuration = registry.makeDurationHistogram(
            descriptor: .meta("raft_snapshot_duration_seconds", help: "Time taken to encode a snapshot."),
            buckets: [.milliseconds(1), .milliseconds(10), .milliseconds(100), .seconds(1), .seconds(10)]
        )
    }

    /// One entry applied in `duration`.
    func applied(in duration: Duration) { applyDuration.record(duration) }

    /// One `raft_apply` appended `count` commands.
    func appended(count: Int) {
        batches.increment()
        proposals.increment(by: Int64(count))
    }

    /// A snapshot of `bytes` bytes encoded in `duration`.
    func snapshotTaken(bytes: Int, in duration: Duration) {
        snapshotBytes.set(Int64(bytes))
        snapshotDuration.record(duration)
    }
}
