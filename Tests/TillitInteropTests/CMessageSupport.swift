import CProtobufC
import Foundation
import TillitCClient

/// Owns the C memory of protobuf-c messages built from Swift: the structs themselves, their
/// strings, byte buffers and pointer arrays. Everything is freed when the arena goes away, so a
/// message built in an arena must not outlive it. Not thread-safe: use it on one thread.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for pointer in allocations { free(pointer) }
    }

    private func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let pointer = malloc(max(size, 1))!
        allocations.append(pointer)
        return pointer
    }

    /// A NUL-terminated copy of `string` (UTF-8).
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(string.utf8CString)
        let pointer = allocate(utf8.count).bindMemory(to: CChar.self, capacity: utf8.count)
        pointer.update(from: utf8, count: utf8.count)
        return pointer
    }

    /// A `bytes` field value holding a copy of `bytes`.
    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        let pointer = allocate(bytes.count).bindMemory(to: UInt8.self, capacity: max(bytes.count, 1))
        pointer.update(from: bytes, count: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A message of a generated type: allocated, initialised with its `…__init` function, then
    /// filled in by `fill`.
    func message<T>(
        _ initialize: (UnsafeMutablePointer<T>?) -> Void, _ fill: (inout T) -> Void = { _ in }
    ) -> UnsafeMutablePointer<T> {
        let pointer = allocate(MemoryLayout<T>.size).bindMemory(to: T.self, capacity: 1)
        initialize(pointer)
        fill(&pointer.pointee)
        return pointer
    }

    /// A repeated scalar field's value (enums, numbers, `bytes`): its count and its array.
    func values<T>(_ items: [T]) -> (Int, UnsafeMutablePointer<T>?) {
        let pointer = allocate(items.count * MemoryLayout<T>.stride)
            .bindMemory(to: T.self, capacity: max(items.count, 1))
        for (index, item) in items.enumerated() { (pointer + index).initialize(to: item) }
        return (items.count, pointer)
    }

    /// A repeated field's value: its count and its array of pointers (messages or strings).
    func array<T>(_ items: [UnsafeMutablePointer<T>]) -> (
        Int, UnsafeMutablePointer<UnsafeMutablePointer<T>?>?
    ) {
        let pointer = allocate(items.count * MemoryLayout<UnsafeMutablePointer<T>?>.stride)
            .bindMemory(to: UnsafeMutablePointer<T>?.self, capacity: max(items.count, 1))
        for (index, item) in items.enumerated() { (pointer + index).initialize(to: item) }
        return (items.count, pointer)
    }
}

/// The descriptor of a generated protobuf-c message type, read from a freshly initialised
/// message (`…__init` stores the address of the real, static descriptor in `base.descriptor`;
/// taking the address of the imported `…__descriptor` constant from Swift is not guaranteed to
/// yield that address).
func cDescriptor<T>(_ initialize: (UnsafeMutablePointer<T>?) -> Void) -> UnsafePointer<
    ProtobufCMessageDescriptor
> {
    let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
    defer { pointer.deallocate() }
    initialize(pointer)
    return asCMessage(pointer).pointee.descriptor
}

/// A generated message struct viewed as its `ProtobufCMessage` base (its first member).
func asCMessage<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<ProtobufCMessage> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: ProtobufCMessage.self)
}

/// The full protobuf name of a protobuf-c message type, e.g. `tillit.rpc.v1.Frame`.
func cMessageName(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> String {
    String(cString: descriptor.pointee.name)
}

/// Packs a protobuf-c message into bytes.
func cPack(_ message: UnsafePointer<ProtobufCMessage>) -> [UInt8] {
    let size = protobuf_c_message_get_packed_size(message)
    guard size > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = protobuf_c_message_pack(message, buffer.baseAddress!)
    }
}

/// A message unpacked by protobuf-c, freed with `protobuf_c_message_free_unpacked`.
final class UnpackedCMessage {
    /// The message.
    let pointer: UnsafeMutablePointer<ProtobufCMessage>

    /// Unpacks `bytes` as `descriptor`'s type; nil when protobuf-c rejects them.
    init?(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, bytes: [UInt8]) {
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            withUnsafePointer(to: UInt8(0)) { empty in
                protobuf_c_message_unpack(descriptor, nil, buffer.count, buffer.baseAddress ?? empty)
            }
        }
        guard let unpacked else { return nil }
        pointer = unpacked
    }

    /// Takes ownership of a message protobuf-c allocated (e.g. `tillit_call`'s response).
    init(taking pointer: UnsafeMutablePointer<ProtobufCMessage>) {
        self.pointer = pointer
    }

    deinit {
        protobuf_c_message_free_unpacked(pointer, nil)
    }

    /// The message as its generated struct type.
    func fields<T>(as type: T.Type) -> T {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: T.self).pointee
    }
}

/// Walks a protobuf-c message through its descriptor.
enum CReflection {
    /// The unknown fields protobuf-c kept in `message` and, recursively, in its sub-messages.
    /// Non-zero means protobuf-c did not recognise part of the input, so a byte-identical re-pack
    /// would prove nothing about those parts.
    static func unknownFieldCount(_ message: UnsafePointer<ProtobufCMessage>) -> Int {
        var count = Int(message.pointee.n_unknown_fields)
        let descriptor = message.pointee.descriptor!
        let base = UnsafeRawPointer(message)
        for index in 0..<Int(descriptor.pointee.n_fields) {
            let field = descriptor.pointee.fields[index]
            guard field.type == PROTOBUF_C_TYPE_MESSAGE else { continue }
            for child in subMessages(of: field, in: base) {
                count += unknownFieldCount(child)
            }
        }
        return count
    }

    /// The fields of `message` (top level only) that hold their default value: zero, empty,
    /// absent or no elements. Fields of a `oneof` are skipped (only one of them can be set).
    static func defaultFields(_ message: UnsafePointer<ProtobufCMessage>) -> [String] {
        let descriptor = message.pointee.descriptor!
        let base = UnsafeRawPointer(message)
        var unset: [String] = []
        for index in 0..<Int(descriptor.pointee.n_fields) {
            let field = descriptor.pointee.fields[index]
            if field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 { continue }
            if !isSet(field, in: base) { unset.append(String(cString: field.name)) }
        }
        return unset
    }

    private static func subMessages(
        of field: ProtobufCFieldDescriptor, in base: UnsafeRawPointer
    ) -> [UnsafePointer<ProtobufCMessage>] {
        let slot = base + Int(field.offset)
        if field.label == PROTOBUF_C_LABEL_REPEATED {
            let count = base.load(fromByteOffset: Int(field.quantifier_offset), as: Int.self)
            guard count > 0, let array = slot.load(as: UnsafePointer<UnsafePointer<ProtobufCMessage>?>?.self)
            else { return [] }
            return (0..<count).compactMap { array[$0] }
        }
        return slot.load(as: UnsafePointer<ProtobufCMessage>?.self).map { [$0] } ?? []
    }

    private static func isSet(_ field: ProtobufCFieldDescriptor, in base: UnsafeRawPointer) -> Bool {
        let slot = base + Int(field.offset)
        if field.label == PROTOBUF_C_LABEL_REPEATED {
            return base.load(fromByteOffset: Int(field.quantifier_offset), as: Int.self) > 0
        }
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_UINT32,
            PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_ENUM, PROTOBUF_C_TYPE_BOOL, PROTOBUF_C_TYPE_FLOAT:
            return slot.loadUnaligned(as: UInt32.self) != 0
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_UINT64,
            PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            return slot.loadUnaligned(as: UInt64.self) != 0
        case PROTOBUF_C_TYPE_STRING:
            guard let string = slot.load(as: UnsafePointer<CChar>?.self) else { return false }
            return string.pointee != 0
        case PROTOBUF_C_TYPE_BYTES:
            return slot.load(as: ProtobufCBinaryData.self).len > 0
        case PROTOBUF_C_TYPE_MESSAGE:
            return slot.load(as: UnsafeRawPointer?.self) != nil
        default:
            return true
        }
    }
}
