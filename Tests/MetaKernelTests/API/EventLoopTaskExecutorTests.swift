import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import MetaKernel

@Suite("Handler tasks on the event loop")
struct EventLoopTaskExecutorTests {
    @Test("a task preferring the loop runs there, and comes back there after waiting on another thread")
    func runsOnLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let executor = EventLoopTaskExecutor(loop)
        let (before, after, child) = await withTaskExecutorPreference(executor) {
            let before = loop.inEventLoop
            // Resumed from a thread of its own, as the Raft loop resumes a proposal.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread { continuation.resume() }.start()
            }
            let after = loop.inEventLoop
            async let child = loop.inEventLoop
            return (before, after, await child)
        }
        #expect(before)
        #expect(after)
        #expect(child)
        try await group.shutdownGracefully()
    }

    @Test("an unstructured task started there does not run on the loop, so long work in it cannot block it")
    func unstructuredTasksLeave() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let onLoop = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            await Task { loop.inEventLoop }.value
        }
        #expect(!onLoop)
        try await group.shutdownGracefully()
    }
}
