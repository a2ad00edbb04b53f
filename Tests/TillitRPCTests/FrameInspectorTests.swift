import Foundation
import NIOCore
import Testing

@testable import TillitRPC

/// `FrameInspector` reads the same call id, kind, method and metadata sizes from the wire bytes
/// as decoding does, and refuses what it cannot walk, so nothing reaches the decoder uncounted.
@Suite(.timeLimit(.minutes(1))) struct FrameInspectorTests {
    private func inspect(_ bytes: [UInt8]) throws(FrameError) -> FrameInspector.Inspection {
        try FrameInspector.inspect(ByteBuffer(bytes: bytes))
    }

    @Test func readsWhatTheDecoderReads() throws {
        var frame = RawConnection.request(
            callID: 300, method: EchoService.echo, payload: Data(repeating: 7, count: 1000),
            timeoutMicros: 5_000_000,
            metadata: [("authorization", "Bearer abc"), ("x-a", ""), ("k", "long value")])
        frame.status.details = [Tillit_Rpc_V1_StatusDetail(), Tillit_Rpc_V1_StatusDetail()]
        let bytes: [UInt8] = try frame.serializedBytes()
        let inspection = try inspect(bytes)
        #expect(inspection.callID == 300)
        #expect(inspection.isRequest)
        #expect(inspection.method.count == EchoService.echo.path.utf8.count)
        #expect(inspection.metadataEntries == 3)
        #expect(inspection.longestKey == "authorization".utf8.count)
        #expect(inspection.longestValue == "long value".utf8.count)
        let entrySizes = try frame.metadata.map { try ($0.serializedBytes() as [UInt8]).count }
        #expect(inspection.metadataSize == entrySizes.reduce(0, +))
        #expect(inspection.statusDetails == 2)
        let preview = FrameInspector.methodPreview(of: inspection, in: ByteBuffer(bytes: bytes))
        #expect(preview == EchoService.echo.path)
    }

    @Test func countsRepeatedFieldsAndSkipsUnknownOnes() throws {
        var bytes: [UInt8] = []
        // Unknown fields of every wire type first: varint, fixed64, length-delimited, fixed32.
        bytes += [0x78, 0x01]  // field 15, varint
        bytes += [0x81, 0x01] + Array(repeating: 0, count: 8)  // field 16, fixed64
        bytes += [0x8A, 0x01, 0x02, 0xAA, 0xBB]  // field 17, length 2
        bytes += [0x8D, 0x01, 1, 2, 3, 4]  // field 17... fixed32 on field 17
        bytes += [0x10, 0x01]  // kind REQUEST
        bytes += [0x22, 0x00, 0x22, 0x00]  // two empty metadata entries
        bytes += [0x22, 0x05, 0x0A, 0x03] + Array("key".utf8)  // entry with key "key"
        bytes += [0x08, 0x2A]  // call id 42, after the rest
        let inspection = try inspect(bytes)
        #expect(inspection.callID == 42)
        #expect(inspection.isRequest)
        #expect(inspection.metadataEntries == 3)
        #expect(inspection.longestKey == 3)
        // The decoder agrees.
        let decoded = try Tillit_Rpc_V1_Frame(serializedBytes: bytes)
        #expect(decoded.metadata.count == 3)
        #expect(decoded.callID == 42)
    }

    @Test func refusesWhatItCannotWalk() {
        let cases: [[UInt8]] = [
            [0x08],  // truncated varint
            [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // 11-byte varint
            [0x1A, 0x05, 0x41],  // method longer than the body
            [0x22, 0x03, 0x0A, 0x05, 0x41],  // key longer than its entry
            [0x0B, 0x0C],  // a group (wire type 3)
            [0x00, 0x01],  // field number 0
            [0x0F],  // wire type 7
            [0x09, 1, 2, 3],  // fixed64 cut short
        ]
        for bytes in cases {
            #expect(throws: FrameError(kind: .malformed), "\(bytes)") { try inspect(bytes) }
        }
    }

    @Test func previewTruncatesLongPaths() {
        #expect(FrameInspector.preview("/a.B/C") == "/a.B/C")
        let long = String(repeating: "é", count: 150)
        #expect(FrameInspector.preview(long) == String(repeating: "é", count: 100) + "…")
    }
}
