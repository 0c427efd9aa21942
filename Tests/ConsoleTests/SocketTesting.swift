import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import MetaKernel
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

// Runs an application on a real port on 127.0.0.1 and talks to it over sockets with the
// project's own HTTP client (MetaClient): the console's tests need no test framework that
// would bring swift-nio-ssl and BoringSSL into the build.

/// One answer.
struct SocketTestResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer
}

/// Sends requests to the application under test.
struct SocketTestClient: Sendable {
    /// The port the application listens on.
    let port: Int?

    /// Sends `method uri` with `headers` (a `Content-Type` among them sets the body's type)
    /// and `body`; redirects are returned, not followed.
    func execute(
        uri: String,
        method: HTTPRequest.Method,
        headers: HTTPFields = [:],
        body: ByteBuffer? = nil
    ) async throws -> SocketTestResponse {
        var extra: [(name: String, value: String)] = []
        var mediaType = "application/json"
        for field in headers {
            if field.name == .contentType {
                mediaType = field.value
            } else {
                extra.append((field.name.rawName, field.value))
            }
        }
        let client = MetaClient(
            configuration: .init(timeout: .seconds(20), maximumRedirects: 0, mediaType: mediaType, headers: extra)
        )
        let address = "127.0.0.1:\(port ?? 0)"
        let reply: MetaClient.Reply
        switch method {
        case .get: reply = try await client.get(address, uri)
        case .post: reply = try await client.post(address, uri, json: body.map { Array(buffer: $0) } ?? [])
        default: throw MetaClientError(.badAddress, "SocketTestClient sends GET and POST only, not \(method)")
        }
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return SocketTestResponse(
            status: HTTPResponse.Status(code: reply.status),
            headers: fields,
            body: ByteBuffer(bytes: reply.body)
        )
    }

    /// Sends the request and hands the answer to `check`.
    @discardableResult
    func execute<Value>(
        uri: String,
        method: HTTPRequest.Method,
        headers: HTTPFields = [:],
        body: ByteBuffer? = nil,
        _ check: (SocketTestResponse) async throws -> Value
    ) async throws -> Value {
        try await check(execute(uri: uri, method: method, headers: headers, body: body))
    }
}

/// The application on port 0 of 127.0.0.1, reporting the port it got.
private struct PortZeroApplication<Base: ApplicationProtocol>: ApplicationProtocol, Service {
    typealias Responder = Base.Responder
    let base: Base
    let bound: @Sendable (Int) -> Void

    var responder: Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    var configuration: ApplicationConfiguration { base.configuration.with(address: .hostname("127.0.0.1", port: 0)) }
    var logger: Logger { base.logger }
    var services: [any Service] { base.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    @Sendable func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
        bound(channel.localAddress?.port ?? 0)
    }
}

extension ApplicationProtocol {
    /// Serves the application on a free port while `test` runs, then shuts it down gracefully.
    func testOverSockets<Value: Sendable>(
        _ test: @Sendable (SocketTestClient) async throws -> Value
    ) async throws -> Value {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = PortZeroApplication(base: self) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                await group.triggerGracefulShutdown()
                throw MetaClientError(.unreachable, "the application under test never started serving")
            }
            do {
                let value = try await test(SocketTestClient(port: port))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
