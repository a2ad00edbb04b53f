import NIOCore
import SwiftProtobuf

/// A `ByteBuffer` as swift-protobuf's bag of bytes, so frames decode from and encode into
/// NIO buffers without copies. Serializing reserves 4 bytes in front for the length prefix.
struct FramedBytes: SwiftProtobufContiguousBytes {
    private var buffer: ByteBuffer

    /// Wraps a frame body for decoding.
    init(body: ByteBuffer) {
        buffer = body
    }

    init(repeating byte: UInt8, count: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: 4 + count)
        buffer.writeInteger(UInt32(count))
        buffer.writeRepeatingByte(byte, count: count)
        buffer.moveReaderIndex(forwardBy: 4)
    }

    init<S: Sequence>(_ sequence: S) where S.Element == UInt8 {
        buffer = ByteBufferAllocator().buffer(capacity: 4 + sequence.underestimatedCount)
        buffer.writeInteger(UInt32(0))
        let count = buffer.writeBytes(sequence)
        buffer.setInteger(UInt32(count), at: 0)
        buffer.moveReaderIndex(forwardBy: 4)
    }

    var count: Int { buffer.readableBytes }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeReadableBytes(body)
    }

    mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R
    {
        try buffer.withUnsafeMutableReadableBytes(body)
    }

    /// The serialized body with its big-endian length prefix in front.
    var framed: ByteBuffer {
        var framed = buffer
        framed.moveReaderIndex(to: framed.readerIndex - 4)
        return framed
    }
}
