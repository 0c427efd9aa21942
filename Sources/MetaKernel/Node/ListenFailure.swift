import Glibc
import NIOCore

/// The one line an operator sees when a listener cannot bind: the key that sets the address,
/// the address, and what to do, instead of the socket call's internals.
enum ListenFailure {
    /// A line for `error` if it is a bind failure this knows, else `nil`.
    /// - Parameters:
    ///   - key: the config key that sets the address, such as `[meta] http-bind-address`.
    ///   - address: its value.
    static func describe(_ error: any Error, key: String, address: String) -> String? {
        let code: Int32
        if let error = error as? IOError {
            code = error.errnoCode
        } else if let error = error as? PlainRaftSocket.Failure, error.code != 0 {
            code = error.code
        } else {
            return nil
        }
        let setting = "\(key) = \"\(address)\""
        switch code {
        case EADDRINUSE:
            return
                "\(setting): the address is already in use: another process (perhaps another influxd-meta) listens there; stop it, or set \(key) to a free port"
        case EACCES:
            return
                "\(setting): permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port above 1023"
        case EADDRNOTAVAIL:
            return
                "\(setting): this host has no such address; use one of its own addresses, or \":PORT\" for all of them"
        default:
            return nil
        }
    }
}
