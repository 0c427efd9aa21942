import FoundationEssentials
public import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the meta API, used by `influxd-ctl` and by meta nodes talking
/// to each other. It dials through a ``Transport`` (so it speaks TLS when the cluster does),
/// follows `307` redirects to the leader (re-sending the body), and bounds every call by
/// ``Configuration/timeout``.
public struct MetaClient: Sendable {
    /// How the client connects.
    public struct Configuration: Sendable {
        /// Prepares each connection (plain or TLS).
        public var transport: any Transport
        /// The longest one call may take, redirects included.
        public var timeout: Duration
        /// How many redirects to follow; 0 returns the redirect itself.
        public var maximumRedirects: Int
        /// Resolves host names; `nil` uses the system resolver.
        public var discovery: (any PeerDiscovery)?
        /// The `Authorization` header of each request (`Basic …`, `Bearer …`), made afresh for
        /// every request so a short-lived token never goes out stale; `nil` sends none.
        public var authorization: (@Sendable () -> String)?
        /// The longest answer body read; a peer that sends more is cut off with ``MetaClientError/Code/tooLarge``
        /// rather than trusted with the node's memory.
        public var maximumReplySize: Int
        /// The media type of request bodies (`Content-Type`) and of the answers asked for
        /// (`Accept`): JSON, or `application/octet-stream` for the protobuf forms of `GET /` and
        /// `POST /execute`.
        public var mediaType: String
        /// Called as an answer's body arrives: bytes so far and the `Content-Length`, if sent
        /// (`influxd-ctl backup`'s progress bar); `nil` for none.
        public var progress: (@Sendable (_ received: Int, _ expected: Int?) -> Void)?
        /// Further headers sent with every request (name, value), such as the registration
        /// protocol's `X-Authorization`.
        public var headers: [(name: String, value: String)]

        /// Creates a configuration; answers are capped at 256 MiB unless `maximumReplySize` says otherwise.
        public init(
            transport: any Transport = PlainTransport(),
            timeout: Duration = .seconds(10),
            maximumRedirects: Int = 3,
            discovery: (any PeerDiscovery)? = nil,
            authorization: (@Sendable () -> String)? = nil,
            maximumReplySize: Int = 256 << 20,
            mediaType: String = "application/json",
            progress: (@Sendable (_ received: Int, _ expected: Int?) -> Void)? = nil,
            headers: [(name: String, value: String)] = []
        ) {
            self.progress = progress
            self.headers = headers
            self.maximumReplySize = maximumReplySize
            self.mediaType = mediaType
            self.transport = transport
            self.timeout = timeout
            self.maximumRedirects = maximumRedirects
            self.discovery = discovery
            self.authorization = authorization
        }
    }

    /// A response.
    public struct Reply: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The response headers.
        public var headers: HTTPHeaders
        /// The body.
        public var body: [UInt8]
        /// The address that finally answered (after redirects).
        public var address: String

        /// The `Location` header, for redirects.
        public var location: String? { headers.first(name: "Location") }

        /// The first value of the header `name` (case-insensitive), if present.
        public func header(_ name: String) -> String? { headers.first(name: name) }

        /// The body as text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The `error` field of a JSON error body, if there is one.
        public var errorMessage: String? {
            (try? JSONDecoder().decode([String: String].self, from: Data(body)))?["error"]
        }

        /// Decodes the body as JSON.
        public func decode<T: Decodable>(_ type: T.Type) throws(MetaClientError) -> T {
            do {
                return try JSONDecoder().decode(type, from: Data(body))
            } catch {
                throw MetaClientError(
                    .badResponse,
                    "unexpected answer from \(address): \(DecodingErrorText.describe(error)) in \(text.prefix(200))"
                )
            }
        }
    }

    /// The configuration.
    public let configuration: Configuration
    let group: any EventLoopGroup

    /// Creates a client.
    public init(
        configuration: Configuration = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.group = group
    }

    /// `GET path` on the node at `address` (`host:port`).
    public func get(_ address: String, _ path: String) async throws(MetaClientError) -> Reply {
        try await call(method: .GET, address: address, path: path, body: nil)
    }

    /// `POST path` with a body on the node at `address` (JSON unless ``Configuration/mediaType`` says otherwise).
    public func post(_ address: String, _ path: String, json body: [UInt8]) async throws(MetaClientError) -> Reply {
        try await call(method: .POST, address: address, path: path, body: body)
    }

    private func call(method: HTTPMethod, address: String, path: String, body: [UInt8]?) async throws(MetaClientError)
        -> Reply
    {
        let timeout = configuration.timeout
        let result: Result<Reply, MetaClientError> = await withTaskGroup(of: Result<Reply, MetaClientError>?.self) {
            group in
            group.addTask {
                do throws(MetaClientError) {
                    return .success(try await follow(method: method, address: address, path: path, body: body))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled
                    ? nil
                    : .failure(MetaClientError(.timeout, "no answer from \(address) within \(timeout)"))
            }
            var outcome: Result<Reply, MetaClientError>?
            while outcome == nil, let next = await group.next() { outcome = next }
            group.cancelAll()
            return outcome!
        }
        return try result.get()
    }

    private func follow(method: HTTPMethod, address: String, path: String, body: [UInt8]?) async throws(MetaClientError)
        -> Reply
    {
        var address = address
        var path = path
        var redirects = 0
        while true {
            let reply = try await once(method: method, address: address, path: path, body: body)
            guard reply.status == 307 || reply.status == 308, let location = reply.location,
                configuration.maximumRedirects > 0
            else {
                return reply
            }
            guard redirects < configuration.maximumRedirects else { break }
            redirects += 1
            guard let url = URL(string: location), let host = url.host, let port = url.port else {
                throw MetaClientError(.badResponse, "\(address) redirected to an unusable location \"\(location)\"")
            }
            address = HostPort(host: host, port: port).description
            path = url.path.isEmpty ? "/" : url.path
            if let query = url.query { path += "?\(query)" }
        }
        throw MetaClientError(.badResponse, "too many redirects starting at \(address)")
    }

    private func once(method: HTTPMethod, address: String, path: String, body: [UInt8]?) async throws(MetaClientError)
        -> Reply
    {
        let target: HostPort
        do {
            target = try HostPort(parsing: address)
        } catch {
            throw MetaClientError(.badAddress, "\(address) is not a host:port address")
        }
        var hosts = [target.host]
        if let discovery = configuration.discovery {
            do {
                hosts = try await discovery.resolve(host: target.host)
            } catch {
                throw MetaClientError(.unreachable, error.message)
            }
        }
        var lastError: (any Error)?
        for host in hosts {
            do {
                return try await exchange(
                    method: method,
                    host: host,
                    serverName: target.host,
                    port: target.port,
                    address: address,
                    path: path,
                    body: body
                )
            } catch let error as MetaClientError {
                throw error
            } catch let failure as any TransportFailure {
                throw MetaClientError(failure, address: address)
            } catch {
                lastError = error
            }
        }
        throw MetaClientError(.unreachable, "cannot reach \(address): \(MetaClientError.describe(lastError))")
    }

    private func exchange(
        method: HTTPMethod,
        host: String,
        serverName: String,
        port: Int,
        address: String,
        path: String,
        body: [UInt8]?
    ) async throws -> Reply {
        let transport = configuration.transport
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try transport.configureConnected(channel, serverName: serverName)
                    if transport.scheme == "http" {
                        try channel.pipeline.syncOperations.addHandler(TLSAnswerDetector(address: address))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: address)
            head.headers.add(name: "Connection", value: "close")
            head.headers.add(name: "User-Agent", value: "influxd-meta/\(MetaBuild.version)")
            head.headers.add(name: "Accept", value: configuration.mediaType)
            if let authorization = configuration.authorization {
                head.headers.add(name: "Authorization", value: authorization())
            }
            for header in configuration.headers { head.headers.add(name: header.name, value: header.value) }
            if let body {
                head.headers.add(name: "Content-Type", value: configuration.mediaType)
                head.headers.add(name: "Content-Length", value: "\(body.count)")
            }
            // One write for the whole request: a server that answers and closes early must not
            // make a later part's write fail before the answer is read.
            var parts: [HTTPClientRequestPart] = [.head(head)]
            if let body { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            parts.append(.end(nil))
            do {
                try await outbound.write(contentsOf: parts)
            } catch {
                // The answer, or the real reason (a TLS handshake error), may be waiting inbound.
                for try await _ in inbound {}
                throw error
            }
            var status = 0
            var headers = HTTPHeaders()
            var collected: [UInt8] = []
            var expected: Int?
            loop: for try await part in inbound {
                switch part {
                case .head(let response):
                    status = Int(response.status.code)
                    headers = response.headers
                    expected = headers.first(name: "Content-Length").flatMap { Int($0) }
                case .body(let buffer):
                    guard collected.count + buffer.readableBytes <= configuration.maximumReplySize else {
                        throw MetaClientError(
                            .tooLarge,
                            "\(address) answered with more than \(configuration.maximumReplySize) bytes; stopped reading"
                        )
                    }
                    collected.append(contentsOf: buffer.readableBytesView)
                    configuration.progress?(collected.count, expected)
                case .end:
                    break loop
                }
            }
            guard status != 0 else {
                throw MetaClientError(.badResponse, "\(address) closed the connection without answering")
            }
            if status == 400 && transport.scheme == "http" && TLSAnswerDetector.isPlainRequestRefusal(collected) {
                throw TLSAnswerDetector.failure(address: address)
            }
            return Reply(status: status, headers: headers, body: collected, address: address)
        }
    }
}

extension MetaClient {
    /// Whether something accepts TCP connections at `host:port` within `timeout`.
    public static func canConnect(host: String, port: Int, timeout: Duration) async -> Bool {
        let milliseconds = max(Int64(timeout.components.seconds * 1000), 1)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(milliseconds))
                .connect(host: host, port: port)
                .get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}
