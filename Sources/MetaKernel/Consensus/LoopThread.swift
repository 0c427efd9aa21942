import CRaft
import Glibc

/// A named POSIX thread running one closure: the Raft loop's own thread, without Foundation's
/// `Thread` (the kernel links FoundationEssentials only).
enum LoopThread {
    private final class Body {
        let name: String
        let run: () -> Void
        init(name: String, _ run: @escaping () -> Void) {
            self.name = name
            self.run = run
        }
    }

    /// Starts a detached thread named `name` (at most 15 bytes are kept) that runs `body`.
    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) {
        let created = trySpawn(name: name, body)
        precondition(created == 0, "cannot start the \(name) thread: \(String(cString: strerror(created)))")
    }

    /// Starts a detached thread named `name` that runs `body`.
    /// - Returns: 0, or `pthread_create`'s error (and `body` never runs).
    static func trySpawn(name: String, _ body: @escaping @Sendable () -> Void) -> Int32 {
        let context = Unmanaged.passRetained(Body(name: name, body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread,
            nil,
            { context in
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                _ = craft_set_thread_name(body.name)
                body.run()
                return nil
            },
            context
        )
        guard created == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return created
        }
        pthread_detach(thread)
        return 0
    }
}
