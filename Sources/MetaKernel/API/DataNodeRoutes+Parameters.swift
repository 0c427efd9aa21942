import FoundationEssentials
import Hummingbird
import Synchronization

extension DataNodeRoutes {
    /// The fields of a membership request: the query's, then those of an
    /// `application/x-www-form-urlencoded` body (which win).
    struct Parameters: Sendable {
        var values: [String: String]

        init(_ values: [String: String]) {
            self.values = values
        }

        init(_ request: Request) async throws(Refusal) {
            values = Self.parse(request.uri.query ?? "")
            let type = request.headers[.contentType] ?? ""
            guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else { return }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: MetaRoutes.maximumBodySize)
            } catch {
                throw Refusal(
                    status: .contentTooLarge,
                    message: "request body is larger than \(MetaRoutes.maximumBodySize) bytes"
                )
            }
            values.merge(Self.parse(String(buffer: body))) { $1 }
        }

        subscript(name: String) -> String? { values[name] }

        /// Field `name` as a `host:port` address with a host and a non-zero port.
        func address(_ name: String) throws(Refusal) -> HostPort {
            guard let text = values[name], !text.isEmpty else {
                throw Refusal(status: .badRequest, message: "\(name): missing; give the node's address as host:port")
            }
            guard let address = try? HostPort(parsing: text), !address.host.isEmpty, address.port > 0 else {
                throw Refusal(status: .badRequest, message: "\(name): \"\(text)\" is not a host:port address")
            }
            return address
        }

        /// Field `name` as a boolean; absent is false.
        func flag(_ name: String) throws(Refusal) -> Bool {
            switch values[name]?.lowercased() {
            case nil, "", "false", "0": false
            case "true", "1": true
            case let other?:
                throw Refusal(status: .badRequest, message: "\(name): \"\(other)\" is neither true nor false")
            }
        }

        /// `a=1&b=x%20y` as a dictionary; `+` is a space, as in HTML forms.
        static func parse(_ text: String) -> [String: String] {
            var values: [String: String] = [:]
            for pair in text.split(separator: "&") where !pair.isEmpty {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = decode(parts[0])
                values[name] = parts.count > 1 ? decode(parts[1]) : ""
            }
            return values
        }

        static func decode(_ text: Substring) -> String {
            var bytes: [UInt8] = []
            var utf8 = text.utf8[...]
            while let byte = utf8.popFirst() {
                if byte == UInt8(ascii: "+") {
                    bytes.append(UInt8(ascii: " "))
                } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                    let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
                {
                    bytes.append(value)
                    utf8 = utf8.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Runs bodies one after another, in the order they arrive.
    final class SerialExecution: Sendable {
        /// The last body queued; each new one waits for it.
        private let tail = Mutex<Task<Void, Never>?>(nil)

        func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
            let task: Task<T, Never> = tail.withLock { tail in
                let previous = tail
                let next = Task {
                    await previous?.value
                    return await body()
                }
                tail = Task { _ = await next.value }
                return next
            }
            return await task.value
        }
    }
}
