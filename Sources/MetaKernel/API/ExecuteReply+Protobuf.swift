import MetaProto
import SwiftProtobuf

extension ExecuteReply {
    /// The protobuf `Response{OK, Error, Index}` of `POST /execute`.
    var protobuf: [UInt8] {
        let response = Meta_Response.with {
            $0.ok = error == nil
            if let error { $0.error = error }
            $0.index = index
        }
        // OK, the one required field, is always set: serializing cannot fail.
        return (try? response.serializedBytes()) ?? []
    }
}
