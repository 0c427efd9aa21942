import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A web console for tests: a real Hummingbird server on 127.0.0.1 that records every call
/// (path, headers, body, arrival) and answers as ``answer(_:)`` says.
final class ConsoleReceiver: Sendable {
    /// One request received.
    struct Call: Sendable {
        var path: String
        /// Header values by lowercased name.
        var headers: [String: String]
        var body: String
        var at: ContinuousClock.Instant
    }

    /// How the receiver answers.
    enum Answer: Sendable {
        /// 201 `{}` for `/servers`, 204 for the rest, as the console does.
        case accept
        /// This status with this JSON body.
        case fail(Int, String)
        /// Never, until the receiver stops.
        case hang
    }

    let port: Int
    private let state: State
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    // The calls and the answer, shared by the server's handlers and the test; the mutexes guard them.
    private final class State: Sendable {
        let calls = Mutex<[Call]>([])
        let answer = Mutex<Answer>(.accept)
        /// Set by ``ConsoleReceiver/stop()``: held calls end, so that the server can stop gracefully.
        let stopping = Mutex(false)
    }

    private init(port: Int, state: State, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.state = state
        self.group = group
        self.task = task
    }

    /// Starts a receiver on `port` (a free one for 0) and waits until it listens.
    /// `server` is plain HTTP/1.1 unless given (HTTPS through `OpenSSLTransport`).
    static func start(
        port: Int = 0,
        answer: Answer = .accept,
        server: HTTPServerBuilder = .http1()
    ) async throws -> ConsoleReceiver {
        let state = State()
        state.answer.withLock { $0 = answer }
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let call = Call(
                path: request.uri.path,
                headers: headers,
                body: body.getString(at: body.readerIndex, length: body.readableBytes) ?? "",
                at: .now
            )
            state.calls.withLock { $0.append(call) }
            switch state.answer.withLock({ $0 }) {
            case .accept:
                return request.uri.path.hasSuffix("/servers") ? json(.created, "{}") : Response(status: .noContent)
            case .fail(let status, let text):
                return json(HTTPResponse.Status(code: status), text)
            case .hang:
                while !state.stopping.withLock({ $0 }) && !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return Response(status: .serviceUnavailable)
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: Logger(label: "console-receiver") { _ in SwiftLogNoOpLogHandler() }
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [app],
                gracefulShutdownSignals: [],
                logger: Logger(label: "console-receiver") { _ in SwiftLogNoOpLogHandler() }
            )
        )
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound != 0 else {
            await group.triggerGracefulShutdown()
            task.cancel()
            throw ReceiverError(description: "the receiver did not start on port \(port)")
        }
        return ConsoleReceiver(port: bound, state: state, group: group, task: task)
    }

    /// The receiver could not start.
    struct ReceiverError: Error, CustomStringConvertible {
        var description: String
    }

    /// `http://127.0.0.1:<port>`.
    var url: String { "http://127.0.0.1:\(port)" }

    /// The calls so far.
    var calls: [Call] { state.calls.withLock { $0 } }

    /// The calls so far to a path ending in `suffix`.
    func calls(endingIn suffix: String) -> [Call] { calls.filter { $0.path.hasSuffix(suffix) } }

    /// Changes how later calls are answered.
    func answer(_ answer: Answer) { state.answer.withLock { $0 = answer } }

    /// Stops listening and waits until the server is gone: held calls end first, then a graceful
    /// shutdown. (Cancelling the server instead can drop a connection accepted at that moment
    /// unfinished, which NIOAsyncWriter's deinit turns into a crash of the whole test process.)
    func stop() async {
        state.stopping.withLock { $0 = true }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

private func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(string: text))
    )
}
