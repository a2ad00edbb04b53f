import NIOCore

/// Reads a frame body's protobuf wire bytes without decoding them: the call id, the kind, the
/// method path's length and the size of the metadata and status details, so that
/// `RPCServerLimits` are enforced before swift-protobuf allocates anything per entry. (A 4 MiB
/// frame of empty metadata entries is two million entries; decoding it would cost hundreds of
/// MB, inspecting it costs one pass over the bytes and no allocation.)
///
/// The inspector is at least as strict as the decoder: what it cannot walk (a truncated varint
/// or field, a group, field number 0) is `FrameError(.malformed)`, so no frame gets past it
/// uncounted.
enum FrameInspector {
    /// What the wire bytes of one frame say.
    struct Inspection: Hashable {
        /// The last `call_id` (0 if absent).
        var callID: UInt64 = 0
        /// The last `kind`, as its wire number (0 if absent).
        var kind: UInt64 = 0
        /// Where the last `method` lies in the body, relative to its reader index.
        var method: Range<Int> = 0..<0
        /// Metadata entries, counting every occurrence of field 4.
        var metadataEntries = 0
        /// The encoded size of all metadata entries (their contents, without their own tags).
        var metadataSize = 0
        /// The longest key of any entry, in bytes.
        var longestKey = 0
        /// The longest value of any entry, in bytes.
        var longestValue = 0
        /// Details of the status, over every occurrence of the status field.
        var statusDetails = 0

        /// Whether the frame is a `REQUEST`.
        var isRequest: Bool { kind == UInt64(Tillit_Rpc_V1_FrameKind.request.rawValue) }

        /// The first limit the frame exceeds, as the status to answer; nil when it is within all.
        func violation(of limits: RPCServerLimits) -> RPCError? {
            if method.count > limits.maximumMethodPathLength {
                return RPCError(
                    code: .unimplemented,
                    message:
                        "method path of \(method.count) bytes exceeds the limit of "
                        + "\(limits.maximumMethodPathLength) bytes")
            }
            if metadataEntries > limits.maximumMetadataEntries {
                return RPCError(
                    code: .resourceExhausted,
                    message: "more than \(limits.maximumMetadataEntries) metadata entries")
            }
            if longestKey > limits.maximumMetadataKeyLength {
                return RPCError(
                    code: .resourceExhausted,
                    message:
                        "metadata key of \(longestKey) bytes exceeds the limit of "
                        + "\(limits.maximumMetadataKeyLength) bytes")
            }
            if longestValue > limits.maximumMetadataValueLength {
                return RPCError(
                    code: .resourceExhausted,
                    message:
                        "metadata value of \(longestValue) bytes exceeds the limit of "
                        + "\(limits.maximumMetadataValueLength) bytes")
            }
            if metadataSize > limits.maximumMetadataSize {
                return RPCError(
                    code: .resourceExhausted,
                    message:
                        "metadata of \(metadataSize) bytes exceeds the limit of "
                        + "\(limits.maximumMetadataSize) bytes")
            }
            if statusDetails > limits.maximumMetadataEntries {
                return RPCError(
                    code: .resourceExhausted,
                    message: "more than \(limits.maximumMetadataEntries) status details")
            }
            return nil
        }
    }

    /// Walks the fields of a frame body.
    static func inspect(_ body: ByteBuffer) throws(FrameError) -> Inspection {
        let result: Result<Inspection, FrameError> = body.withUnsafeReadableBytes { bytes in
            do throws(FrameError) {
                return .success(try inspect(bytes))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// A method path for errors and logs: at most `limit` characters, then "…".
    static func preview(_ path: String, limit: Int = 100) -> String {
        path.count <= limit ? path : String(path.prefix(limit)) + "…"
    }

    /// The method path of an inspected body, for errors and logs (see `preview`).
    static func methodPreview(of inspection: Inspection, in body: ByteBuffer) -> String {
        // Decoding only what is shown: a prefix of the bytes, invalid UTF-8 replaced.
        let shown = min(inspection.method.count, 400)
        let bytes =
            body.getBytes(at: body.readerIndex + inspection.method.lowerBound, length: shown) ?? []
        let text = preview(String(decoding: bytes, as: UTF8.self))
        return shown < inspection.method.count && !text.hasSuffix("…") ? text + "…" : text
    }

    private static func inspect(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> Inspection {
        var inspection = Inspection()
        var reader = WireReader(bytes: bytes, range: 0..<bytes.count)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch (field, wireType) {
            case (1, 0):
                inspection.callID = try reader.varint()
            case (2, 0):
                inspection.kind = try reader.varint()
            case (3, 2):
                inspection.method = try reader.lengthDelimited()
            case (4, 2):
                let entry = try reader.lengthDelimited()
                inspection.metadataEntries += 1
                inspection.metadataSize += entry.count
                try inspectEntry(bytes, entry, into: &inspection)
            case (7, 2):
                let status = try reader.lengthDelimited()
                try inspectStatus(bytes, status, into: &inspection)
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return inspection
    }

    private static func inspectEntry(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into inspection: inout Inspection
    ) throws(FrameError) {
        var reader = WireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch (field, wireType) {
            case (1, 2):
                inspection.longestKey = max(inspection.longestKey, try reader.lengthDelimited().count)
            case (2, 2):
                inspection.longestValue = max(inspection.longestValue, try reader.lengthDelimited().count)
            default:
                try reader.skip(wireType: wireType)
            }
        }
    }

    private static func inspectStatus(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into inspection: inout Inspection
    ) throws(FrameError) {
        var reader = WireReader(bytes: bytes, range: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            if field == 3, wireType == 2 { inspection.statusDetails += 1 }
            try reader.skip(wireType: wireType)
        }
    }
}

/// A cursor over protobuf wire bytes.
private struct WireReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    private static let malformed = FrameError(kind: .malformed)

    mutating func varint() throws(FrameError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw Self.malformed
    }

    /// A field key: its number (never 0) and wire type.
    mutating func tag() throws(FrameError) -> (field: UInt64, wireType: UInt64) {
        let key = try varint()
        guard key >> 3 != 0 else { throw Self.malformed }
        return (key >> 3, key & 7)
    }

    /// The contents of a length-delimited field, which the cursor then skips.
    mutating func lengthDelimited() throws(FrameError) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw Self.malformed }
        let start = position
        position += Int(length)
        return start..<position
    }

    mutating func skip(wireType: UInt64) throws(FrameError) {
        switch wireType {
        case 0: _ = try varint()
        case 1: try advance(by: 8)
        case 2: _ = try lengthDelimited()
        case 5: try advance(by: 4)
        default: throw Self.malformed  // groups (3, 4), and 6 and 7 do not exist
        }
    }

    private mutating func advance(by count: Int) throws(FrameError) {
        guard end - position >= count else { throw Self.malformed }
        position += count
    }
}
