import CProtobufC
import Foundation
import SwiftProtobuf
import Testing
import TillitCClient
import TillitContracts
import TillitRPC

/// swift-protobuf and protobuf-c encode and decode every message of proto/ identically (SPEC
/// section 3): byte for byte, in both directions, over the table in `InteropCases.swift`.
@Suite(.timeLimit(.minutes(2))) struct EncodingInteropTests {
    /// Swift encodes → protobuf-c unpacks (recognising every field) → protobuf-c packs the same
    /// bytes.
    @Test(arguments: InteropCase.all)
    func swiftToProtobufC(_ testCase: InteropCase) throws {
        let swiftBytes = try testCase.swiftBytes()
        let unpacked = try #require(
            UnpackedCMessage(testCase.descriptor(), bytes: swiftBytes), "protobuf-c rejected Swift's bytes")
        // Unknown fields would be re-emitted verbatim and make the byte comparison vacuous.
        #expect(CReflection.unknownFieldCount(unpacked.pointer) == 0)
        if testCase.allFieldsSet {
            #expect(CReflection.defaultFields(unpacked.pointer) == [], "fields left at their default")
        }
        #expect(cPack(unpacked.pointer) == swiftBytes)
    }

    /// protobuf-c builds and packs → Swift decodes a message equal to its own value → Swift
    /// re-encodes the same bytes (which are also what Swift encodes from its own value).
    @Test(arguments: InteropCase.all)
    func protobufCToSwift(_ testCase: InteropCase) throws {
        let arena = CArena()
        let message = testCase.buildC(arena)
        if testCase.allFieldsSet {
            #expect(CReflection.defaultFields(message) == [], "fields left at their default")
        }
        let cBytes = cPack(message)
        let (equal, reencoded) = try testCase.swiftDecode(cBytes)
        #expect(equal, "Swift decoded a different value from protobuf-c's bytes")
        #expect(reencoded == cBytes)
        #expect(cBytes == (try testCase.swiftBytes()))
    }

    /// A message with every field at its default encodes to zero bytes on both sides, and zero
    /// bytes decode to it.
    @Test(arguments: InteropCase.all)
    func defaultsEncodeToNothing(_ testCase: InteropCase) throws {
        #expect(try testCase.swiftDefaultBytes() == [])
        let descriptor = testCase.descriptor()
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: descriptor.pointee.sizeof_message, alignment: MemoryLayout<Int>.alignment)
        defer { raw.deallocate() }
        let message = raw.bindMemory(to: ProtobufCMessage.self, capacity: 1)
        descriptor.pointee.message_init(message)
        #expect(cPack(message) == [])
        let empty = try #require(UnpackedCMessage(descriptor, bytes: []))
        #expect(cPack(empty.pointer) == [])
    }

    /// The table's Swift type and protobuf-c descriptor name the same message.
    @Test(arguments: InteropCase.all)
    func swiftTypeMatchesDescriptor(_ testCase: InteropCase) {
        #expect(cMessageName(testCase.descriptor()) == testCase.swiftMessageName)
    }

    /// Every message declared in proto/ (nested ones too) has a case in the table.
    @Test func everyProtoMessageHasACase() throws {
        let declared = try ProtoScanner.messageNames(under: ProtoScanner.protoRoot)
        #expect(declared.count >= 19)
        let covered = Set(InteropCase.all.filter(\.allFieldsSet).map(\.swiftMessageName))
        #expect(declared.subtracting(covered).sorted() == [], "messages without a full interop case")
        #expect(Set(InteropCase.all.map(\.name)).count == InteropCase.all.count, "case names must be unique")
    }

    /// The status detail payload used above really is a Money message.
    @Test func moneyDetailPayloadIsAMoney() throws {
        let money = try Tillit_Common_V1_Money(serializedBytes: Sample.moneyBytes)
        #expect(money.currency == "SEK")
        #expect(money.minorUnits == -95_000)
    }
}

/// Where the two libraries meet input that the table's canonical messages never produce. Each
/// test pins the observed behaviour, so that a library upgrade that changes it is noticed.
@Suite(.timeLimit(.minutes(2))) struct EncodingEdgeCaseTests {
    private static var stringValueDescriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        cDescriptor(tillit__common__v1__string_value__init)
    }

    /// Unknown fields (a newer peer's fields) survive a decode/encode in both libraries, in
    /// their original order, after the known fields.
    @Test func unknownFieldsArePreservedAlike() throws {
        var request = Tillit_Testing_V1_EchoRequest()
        request.text = "known to StringValue"
        request.data = Data(Sample.binary)
        request.failCode = -7
        request.stamps = [Tillit_Common_V1_Timestamp()]
        let bytes: [UInt8] = try request.serializedBytes()

        let swift = try Tillit_Common_V1_StringValue(serializedBytes: bytes)
        #expect(swift.value == "known to StringValue")
        #expect(!swift.unknownFields.data.isEmpty)
        #expect(try swift.serializedBytes() == bytes)

        let c = try #require(UnpackedCMessage(Self.stringValueDescriptor, bytes: bytes))
        #expect(c.pointer.pointee.n_unknown_fields == 3)
        #expect(cPack(c.pointer) == bytes)
    }

    /// When unknown fields precede known ones, both libraries move them behind the known fields
    /// on re-encoding: not byte-identical to that input, but identical to each other.
    @Test func unknownFieldsBeforeKnownOnesAreReorderedAlike() throws {
        // field 3 varint 1, then field 1 "a"
        let input: [UInt8] = [0x18, 0x01, 0x0A, 0x01, 0x61]
        let canonical: [UInt8] = [0x0A, 0x01, 0x61, 0x18, 0x01]
        let swift = try Tillit_Common_V1_StringValue(serializedBytes: input)
        #expect(try swift.serializedBytes() == canonical)
        let c = try #require(UnpackedCMessage(Self.stringValueDescriptor, bytes: input))
        #expect(cPack(c.pointer) == canonical)
    }

    /// A singular field that occurs twice in the input. Both libraries keep the last value of a
    /// scalar. For a sub-message, the protobuf spec says to merge the occurrences:
    /// swift-protobuf does, protobuf-c 1.4.1 keeps only the last occurrence (for proto3 fields).
    /// No encoder emits a sub-message in pieces (both tables above encode canonically), so this
    /// matters only for hand-made or concatenated messages — don't build messages by
    /// concatenating encodings when a C peer will read them.
    @Test func splitSubMessagesAreMergedOnlyBySwift() throws {
        // TimeRange: start { seconds: 1 }, start { nanos: 2 }, end { seconds: 5 }, end { seconds: 6 }
        let input: [UInt8] = [
            0x0A, 0x02, 0x08, 0x01, 0x0A, 0x02, 0x10, 0x02, 0x12, 0x02, 0x08, 0x05, 0x12, 0x02, 0x08, 0x06,
        ]
        // start { seconds: 1, nanos: 2 }, end { seconds: 6 }
        let merged: [UInt8] = [0x0A, 0x04, 0x08, 0x01, 0x10, 0x02, 0x12, 0x02, 0x08, 0x06]
        // start { nanos: 2 }, end { seconds: 6 }
        let lastWins: [UInt8] = [0x0A, 0x02, 0x10, 0x02, 0x12, 0x02, 0x08, 0x06]
        let swift = try Tillit_Common_V1_TimeRange(serializedBytes: input)
        #expect(try swift.serializedBytes() == merged)
        let c = try #require(
            UnpackedCMessage(cDescriptor(tillit__common__v1__time_range__init), bytes: input))
        #expect(cPack(c.pointer) == lastWins)

        // Scalars: the last occurrence wins in both. Timestamp { seconds: 1, seconds: 2 }.
        let scalars: [UInt8] = [0x08, 0x01, 0x08, 0x02]
        #expect(try Tillit_Common_V1_Timestamp(serializedBytes: scalars).serializedBytes() == [0x08, 0x02])
        let cTimestamp = try #require(
            UnpackedCMessage(cDescriptor(tillit__common__v1__timestamp__init), bytes: scalars))
        #expect(cPack(cTimestamp.pointer) == [0x08, 0x02])
    }

    /// protobuf-c keeps strings as NUL-terminated `char *`: a string with an embedded NUL is
    /// unpacked whole but packed only up to the NUL. swift-protobuf keeps it. Tillit's strings
    /// (ids, names, tokens, text) must not contain U+0000 when C peers are involved.
    @Test func embeddedNULIsCutByProtobufC() throws {
        var value = Tillit_Common_V1_StringValue()
        value.value = "a\u{0}b"
        let bytes: [UInt8] = try value.serializedBytes()
        #expect(bytes == [0x0A, 0x03, 0x61, 0x00, 0x62])
        let c = try #require(UnpackedCMessage(Self.stringValueDescriptor, bytes: bytes))
        #expect(cPack(c.pointer) == [0x0A, 0x01, 0x61])
    }

    /// swift-protobuf rejects a string field that is not valid UTF-8, as proto3 requires;
    /// protobuf-c 1.4 does not check and passes the bytes through. A C peer can therefore send
    /// something a Swift service refuses (as INTERNAL, "could not decode request payload").
    @Test func invalidUTF8IsRejectedOnlyBySwift() throws {
        let bytes: [UInt8] = [0x0A, 0x02, 0xC3, 0x28]
        #expect(throws: (any Error).self) { try Tillit_Common_V1_StringValue(serializedBytes: bytes) }
        let c = try #require(UnpackedCMessage(Self.stringValueDescriptor, bytes: bytes))
        #expect(cPack(c.pointer) == bytes)
    }
}

/// Lists the messages declared in .proto files.
enum ProtoScanner {
    /// The repository's proto/ folder.
    static var protoRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("proto")
    }

    /// The full names (`package.Outer.Inner`) of every message declared under `root`.
    static func messageNames(under root: URL) throws -> Set<String> {
        var names: Set<String> = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "proto" else { continue }
            names.formUnion(messageNames(in: try String(contentsOf: file, encoding: .utf8)))
        }
        return names
    }

    /// The full names of the messages declared in one file's source.
    static func messageNames(in source: String) -> Set<String> {
        // Comments out, then a flat token stream: "package x.y;", "message Name {", "{", "}".
        let code = source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "//").map { line[..<$0.lowerBound] } ?? line }
            .joined(separator: "\n")
        var tokens: [String] = []
        var current = ""
        for character in code {
            if character.isWhitespace || "{};".contains(character) {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if !character.isWhitespace { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }

        var package = ""
        var scopes: [String?] = []  // one per open brace: a message name, or nil
        var pendingMessage: String?
        var names: Set<String> = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            switch token {
            case "package" where index + 1 < tokens.count:
                package = tokens[index + 1]
                index += 1
            case "message" where index + 1 < tokens.count:
                pendingMessage = tokens[index + 1]
                index += 1
            case "{":
                if let message = pendingMessage {
                    let outer = scopes.compactMap { $0 }
                    names.insert(
                        ([package] + outer + [message]).filter { !$0.isEmpty }.joined(separator: "."))
                }
                scopes.append(pendingMessage)
                pendingMessage = nil
            case "}":
                _ = scopes.popLast()
            default:
                break
            }
            index += 1
        }
        return names
    }
}
