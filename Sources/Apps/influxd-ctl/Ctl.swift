import FoundationEssentials
import Glibc
import MetaKernel

/// Output helpers: results on stdout, one-line errors on stderr with exit 1.
enum Ctl {
    static func fail(_ command: String, _ message: String) -> Never {
        StandardError.write("\(command): \(message)\n")
        exit(1)
    }

    /// Writes a warning line to standard error.
    static func warn(_ command: String, _ message: String) {
        StandardError.write("\(command): warning: \(message)\n")
    }

    /// JSON for a request body.
    static func encode(_ value: some Encodable) -> [UInt8] {
        (try? JSONEncoder().encode(value)).map(Array.init) ?? []
    }

    /// Asks `prompt` and reads a line; true for y or yes, in any case, with surrounding blanks.
    static func confirm(_ prompt: String) -> Bool {
        print(prompt, terminator: "")
        fflush(nil)
        let line = readLine() ?? ""
        let trimmed = line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        let answer = String(trimmed).lowercased()
        return answer == "y" || answer == "yes"
    }

    /// Whether something accepts TCP connections at `host:port`.
    static func listens(host: String, port: Int) async -> Bool {
        await MetaClient.canConnect(host: host, port: port, timeout: .seconds(1))
    }

    /// The line for an answer other than 200.
    static func fail(_ command: String, answer: MetaClient.Reply) -> Never {
        let message = answer.errorMessage ?? "HTTP \(answer.status) from \(answer.address): \(answer.text.prefix(200))"
        if answer.status == 503 && message == "no leader" {
            fail(
                command,
                "operation exited with error: no leader (a majority of the meta nodes must be running and reach each other on port 8089)"
            )
        }
        fail(command, "operation exited with error: \(message)")
    }

    /// What to change when the TLS settings of the client and the node disagree.
    static func tlsHint(_ code: MetaClientError.Code) -> String {
        switch code {
        case .peerRequiresTLS:
            return "the node serves HTTPS: add -bind-tls, with -k for a self-signed certificate"
        case .peerLacksTLS:
            return
                "the node serves plain HTTP: drop -bind-tls, or pass -bind-tls=false if the configuration enables https"
        default:
            return "the node requires a client certificate from its https-client-ca: pass the node's configuration "
                + "with -config, and influxd-ctl presents the node's certificate"
        }
    }

    /// The line for a failed call, in Enterprise's `operation ... with error` form.
    static func fail(_ command: String, _ error: MetaClientError, bind: String) -> Never {
        switch error.code {
        case .timeout:
            fail(command, "operation timed out with error: \(error.message)")
        case .certificateRejected:
            fail(
                command,
                "operation exited with error: \(error.message) (to trust the node's certificate, pass its configuration with -config; -k skips the check)"
            )
        case .peerRequiresTLS, .peerLacksTLS, .ownCertificateRejected:
            fail(command, "operation exited with error: \(error.message) (\(tlsHint(error.code)))")
        case .unreachable:
            fail(
                command,
                "operation exited with error: \(error.message) (is influxd-meta running there? pick another node with -bind host:8091)"
            )
        default:
            fail(command, "operation exited with error: \(error.message)")
        }
    }
}
