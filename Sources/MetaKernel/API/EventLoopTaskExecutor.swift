public import NIOCore

/// Runs tasks on one NIO event loop: a connection's handler task preferring its channel's loop
/// reads, handles and answers a request on that thread. A request then crosses threads only
/// where its work does (to the Raft loop and back), instead of also hopping to the global pool
/// and back for every read and write.
///
/// Work that would block the loop (encoding a large snapshot, say) must run elsewhere: an
/// unstructured `Task` does not inherit the preference.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the loop; from the loop itself this queues it without a wake-up.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
