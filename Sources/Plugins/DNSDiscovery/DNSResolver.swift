import CResolv
import Glibc
import MetaKernel

/// Blocking questions to name servers through glibc's resolver (``CResolv``); callers run it
/// off the event loop (``DNSDiscovery`` uses a thread pool of its own).
struct DNSResolver: Sendable {
    /// The servers asked, in order; empty means those of `/etc/resolv.conf`.
    var nameservers: [HostPort]
    /// Seconds each try waits.
    var timeoutSeconds: Int
    /// Tries per server.
    var tries: Int

    /// What a question got: records from one server, or why every server asked gave none.
    enum Answer: Sendable, Equatable {
        case records([DNSRecord], server: String)
        case failed([DNSFailure])
    }

    /// Asks each server in turn until one answers for `name`: records, an empty answer or
    /// NXDOMAIN end the search; a timeout, SERVFAIL or REFUSED moves on to the next server.
    func ask(_ name: String, _ type: DNSRecordType) -> Answer {
        let servers = nameservers.isEmpty ? Self.systemServers() : nameservers
        guard !servers.isEmpty else {
            let none = DNSFailure(
                kind: .unreachable("/etc/resolv.conf lists no name server; set [discovery] nameservers"),
                name: name,
                type: type,
                server: "(none)"
            )
            return .failed([none])
        }
        var failures: [DNSFailure] = []
        for server in servers {
            switch ask(name, type, server: server) {
            case .success(let records):
                return .records(records, server: server.description)
            case .failure(let failure):
                failures.append(failure)
                if failure.isAnswer { return .failed([failure]) }
            }
        }
        return .failed(failures)
    }

    /// One question to one server.
    private func ask(_ name: String, _ type: DNSRecordType, server: HostPort) -> Result<[DNSRecord], DNSFailure> {
        func fail(_ kind: DNSFailure.Kind) -> Result<[DNSRecord], DNSFailure> {
            .failure(DNSFailure(kind: kind, name: name, type: type, server: server.description))
        }
        var address = cresolv_server()
        withUnsafeMutableBytes(of: &address.ip) { raw in
            let bytes = Array(server.host.utf8.prefix(raw.count - 1)) + [0]
            raw.copyBytes(from: bytes)
        }
        address.port = Int32(server.port)
        var answer = [UInt8](repeating: 0, count: 65_536)
        var error: Int32 = 0
        let length = cresolv_send(
            name,
            type.rawValue,
            &address,
            Int32(timeoutSeconds),
            Int32(tries),
            &answer,
            Int32(answer.count),
            &error
        )
        if length < 0 {
            if error == ETIMEDOUT { return fail(.timeout(tries: tries, seconds: timeoutSeconds)) }
            return fail(.unreachable(String(cString: strerror(error))))
        }
        var rcode: Int32 = 0
        var parsed = [cresolv_record](repeating: cresolv_record(), count: 64)
        let count = cresolv_parse(answer, length, &rcode, &parsed, Int32(parsed.count))
        guard count >= 0 else { return fail(.malformed) }
        switch rcode {
        case 0: break
        case 2: return fail(.serverFailure)
        case 3: return fail(.nameError)
        case 5: return fail(.refused)
        default: return fail(.rcode(rcode))
        }
        let records = parsed.prefix(Int(count)).filter { $0.type == type.rawValue }.map { record in
            var copy = record
            let text = withUnsafeBytes(of: &copy.text) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            return DNSRecord(
                text: text.hasSuffix(".") ? String(text.dropLast()) : text,
                ttl: record.ttl,
                priority: record.priority,
                weight: record.weight,
                port: record.port
            )
        }
        return records.isEmpty ? fail(.empty) : .success(records)
    }

    /// The name servers of `/etc/resolv.conf`, as glibc reads them.
    static func systemServers() -> [HostPort] {
        var servers = [cresolv_server](repeating: cresolv_server(), count: 8)
        let count = cresolv_system_servers(&servers, Int32(servers.count))
        guard count > 0 else { return [] }
        return servers.prefix(Int(count)).map { server in
            var copy = server
            let ip = withUnsafeBytes(of: &copy.ip) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            return HostPort(host: ip, port: Int(server.port))
        }
    }
}
