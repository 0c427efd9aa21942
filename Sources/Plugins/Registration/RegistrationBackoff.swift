/// How long to wait before the next try after a failure: `initial`, doubling up to `cap`,
/// each wait spread by ±20 % so the nodes of a cluster do not retry in step.
struct RegistrationBackoff: Sendable {
    let initial: Duration
    let cap: Duration
    /// The wait before jitter of the next try.
    private(set) var current: Duration

    /// Starts at `initial` (never above `cap`).
    init(initial: Duration, cap: Duration) {
        self.cap = cap
        self.initial = min(initial, cap)
        self.current = self.initial
    }

    /// The next wait, with jitter; the one after it is twice as long, up to the cap.
    mutating func next(using generator: inout some RandomNumberGenerator) -> Duration {
        let wait = current * Double.random(in: 0.8...1.2, using: &generator)
        current = min(current * 2, cap)
        return wait
    }

    /// The next wait, with the system's random numbers.
    mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }

    /// Back to `initial`, after a success.
    mutating func reset() { current = initial }
}
