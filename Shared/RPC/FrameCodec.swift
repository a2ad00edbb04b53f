import Foundation
import NIOCore
import SwiftProtobuf

/// Encodes and decodes `tillit.rpc.v1.Frame` bodies.
enum FrameCodec {
    /// Decodes a frame body; throws `FrameError(.malformed)` for anything that isn't one.
    static func decode(_ body: ByteBuffer) throws(FrameError) -> Tillit_Rpc_V1_Frame {
        do {
            return try Tillit_Rpc_V1_Frame(serializedBytes: FramedBytes(body: body))
        } catch {
            throw FrameError(kind: .malformed)
        }
    }

    /// Serializes a frame with its length prefix into a new buffer.
    static func encode(_ frame: Tillit_Rpc_V1_Frame) -> ByteBuffer {
        // Serializing a Frame we built cannot fail: it has no required fields or Any.
        let bytes: FramedBytes = try! frame.serializedBytes()
        return bytes.framed
    }

    /// A response frame for a call.
    static func response(callID: UInt64, payload: Data, metadata: Metadata = Metadata())
        -> Tillit_Rpc_V1_Frame
    {
        var frame = Tillit_Rpc_V1_Frame()
        frame.callID = callID
        frame.kind = .response
        frame.payload = payload
        frame.metadata = metadata.wireEntries
        frame.status.code = 0
        return frame
    }

    /// A failed response frame for a call.
    static func response(callID: UInt64, error: RPCError, metadata: Metadata = Metadata())
        -> Tillit_Rpc_V1_Frame
    {
        var frame = Tillit_Rpc_V1_Frame()
        frame.callID = callID
        frame.kind = .response
        frame.metadata = metadata.wireEntries
        frame.status = error.wireStatus
        return frame
    }

    /// A connection-level frame (PING, PONG, GOAWAY, CANCEL).
    static func control(_ kind: Tillit_Rpc_V1_FrameKind, callID: UInt64 = 0, status: RPCError? = nil)
        -> Tillit_Rpc_V1_Frame
    {
        var frame = Tillit_Rpc_V1_Frame()
        frame.callID = callID
        frame.kind = kind
        if let status { frame.status = status.wireStatus }
        return frame
    }
}

extension RPCError {
    /// The wire form; `cause` is never sent.
    var wireStatus: Tillit_Rpc_V1_Status {
        var status = Tillit_Rpc_V1_Status()
        status.code = code.rawValue
        status.message = message
        status.details = details.map {
            var detail = Tillit_Rpc_V1_StatusDetail()
            detail.typeURL = $0.typeURL
            detail.value = $0.value
            return detail
        }
        return status
    }

    /// The error carried by a wire status.
    init(wireStatus status: Tillit_Rpc_V1_Status) {
        self.init(
            code: StatusCode(wireValue: status.code),
            message: status.message,
            details: status.details.map { Detail(typeURL: $0.typeURL, value: $0.value) })
    }
}

extension Metadata {
    /// The wire form.
    var wireEntries: [Tillit_Rpc_V1_MetadataEntry] {
        map {
            var entry = Tillit_Rpc_V1_MetadataEntry()
            entry.key = $0.key
            entry.value = $0.value
            return entry
        }
    }

    /// Metadata from wire entries; keys are lower-cased.
    init(wireEntries: [Tillit_Rpc_V1_MetadataEntry]) {
        self.init()
        for entry in wireEntries { add(entry.key, entry.value) }
    }
}
