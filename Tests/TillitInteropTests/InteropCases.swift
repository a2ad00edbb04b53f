import CProtobufC
import Foundation
import SwiftProtobuf
import TillitCClient
import TillitContracts
import TillitRPC

/// One message value, built twice — once as a swift-protobuf message, once as a protobuf-c
/// struct — for the encoding interop tests.
///
/// To cover a new message: add a case to `InteropCase.all` with every field set to a
/// non-default value (`allFieldsSet` makes the tests check that), using the helpers below for
/// nested messages. `EncodingInteropTests.everyProtoMessageHasACase` fails until you do.
struct InteropCase: Sendable, CustomStringConvertible {
    /// Shown in test results.
    let name: String
    /// The Swift type's full protobuf name, e.g. `tillit.rpc.v1.Frame`.
    let swiftMessageName: String
    /// Whether the value sets every (non-oneof) field, checked on the protobuf-c side.
    let allFieldsSet: Bool
    /// The protobuf-c descriptor of the message type.
    let descriptor: @Sendable () -> UnsafePointer<ProtobufCMessageDescriptor>
    /// The Swift message, serialized by swift-protobuf.
    let swiftBytes: @Sendable () throws -> [UInt8]
    /// The Swift type's default value, serialized by swift-protobuf.
    let swiftDefaultBytes: @Sendable () throws -> [UInt8]
    /// Decodes bytes with swift-protobuf: whether the result equals the Swift value, and its
    /// re-serialization.
    let swiftDecode: @Sendable (_ bytes: [UInt8]) throws -> (equal: Bool, reencoded: [UInt8])
    /// The same value as a protobuf-c message, allocated in the arena.
    let buildC: @Sendable (_ arena: CArena) -> UnsafeMutablePointer<ProtobufCMessage>

    var description: String { name }

    /// A case for `expected` and the protobuf-c type initialised by `initialize` and filled in by
    /// `fill`.
    static func make<M: SwiftProtobuf.Message & Equatable, T>(
        _ expected: M,
        name: String? = nil,
        allFieldsSet: Bool = true,
        c initialize: @escaping @Sendable (UnsafeMutablePointer<T>?) -> Void,
        _ fill: @escaping @Sendable (CArena, inout T) -> Void
    ) -> InteropCase {
        InteropCase(
            name: name ?? M.protoMessageName,
            swiftMessageName: M.protoMessageName,
            allFieldsSet: allFieldsSet,
            descriptor: { cDescriptor(initialize) },
            swiftBytes: { try expected.serializedBytes() },
            swiftDefaultBytes: { try M().serializedBytes() },
            swiftDecode: { bytes in
                let decoded = try M(serializedBytes: bytes)
                return (decoded == expected, try decoded.serializedBytes())
            },
            buildC: { arena in asCMessage(arena.message(initialize) { fill(arena, &$0) }) }
        )
    }
}

// MARK: - Values

/// Values chosen to exercise the encoders: multi-byte UTF-8 (Swedish, Polish, Russian, Finnish,
/// Japanese, emoji), negative numbers (ten-byte varints), extremes and binary bytes with NULs.
enum Sample {
    static let unicode = "Åsa Łukasiewicz — Жизнь, hyvä päivä, 日本語 🧠🤝"
    static let binary: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x00, 0x01, 0xC3, 0x28, 0xFE]
    static let uuid = "3f2c9a1e-7b4d-4e8a-9c61-0d2f5e7a8b90"
    /// A Money message's wire bytes (SEK, -95000), used as a status detail payload.
    static let moneyBytes: [UInt8] = [
        0x0A, 0x03, 0x53, 0x45, 0x4B, 0x10, 0xE8, 0x99, 0xFA, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
    ]
}

// Swift-side and C-side builders of the nested values, kept next to each other so that both
// sides visibly build the same thing.

private func swiftTimestampA() -> Tillit_Common_V1_Timestamp {
    var value = Tillit_Common_V1_Timestamp()
    value.seconds = -62_135_596_800  // 0001-01-01T00:00:00Z
    value.nanos = 999_999_999
    return value
}

private func cTimestampA(_ arena: CArena) -> UnsafeMutablePointer<Tillit__Common__V1__Timestamp> {
    arena.message(tillit__common__v1__timestamp__init) {
        $0.seconds = -62_135_596_800
        $0.nanos = 999_999_999
    }
}

private func swiftTimestampB() -> Tillit_Common_V1_Timestamp {
    var value = Tillit_Common_V1_Timestamp()
    value.seconds = 1_750_000_000
    value.nanos = -1
    return value
}

private func cTimestampB(_ arena: CArena) -> UnsafeMutablePointer<Tillit__Common__V1__Timestamp> {
    arena.message(tillit__common__v1__timestamp__init) {
        $0.seconds = 1_750_000_000
        $0.nanos = -1
    }
}

private func swiftMetadata(_ key: String, _ value: String) -> Tillit_Rpc_V1_MetadataEntry {
    var entry = Tillit_Rpc_V1_MetadataEntry()
    entry.key = key
    entry.value = value
    return entry
}

private func cMetadata(
    _ arena: CArena, _ key: String, _ value: String
) -> UnsafeMutablePointer<Tillit__Rpc__V1__MetadataEntry> {
    arena.message(tillit__rpc__v1__metadata_entry__init) {
        $0.key = arena.string(key)
        $0.value = arena.string(value)
    }
}

private func swiftDetail(_ typeURL: String, _ value: [UInt8]) -> Tillit_Rpc_V1_StatusDetail {
    var detail = Tillit_Rpc_V1_StatusDetail()
    detail.typeURL = typeURL
    detail.value = Data(value)
    return detail
}

private func cDetail(
    _ arena: CArena, _ typeURL: String, _ value: [UInt8]
) -> UnsafeMutablePointer<Tillit__Rpc__V1__StatusDetail> {
    arena.message(tillit__rpc__v1__status_detail__init) {
        $0.type_url = arena.string(typeURL)
        $0.value = arena.bytes(value)
    }
}

private func swiftStatus() -> Tillit_Rpc_V1_Status {
    var status = Tillit_Rpc_V1_Status()
    status.code = 5
    status.message = "ingen klient hittades: \(Sample.unicode)"
    status.details = [
        swiftDetail("type.googleapis.com/tillit.common.v1.Money", Sample.moneyBytes),
        swiftDetail("type.tillit.example/tillit.common.v1.StringValue", []),
    ]
    return status
}

private func cStatus(_ arena: CArena) -> UnsafeMutablePointer<Tillit__Rpc__V1__Status> {
    arena.message(tillit__rpc__v1__status__init) {
        $0.code = 5
        $0.message = arena.string("ingen klient hittades: \(Sample.unicode)")
        ($0.n_details, $0.details) = arena.array([
            cDetail(arena, "type.googleapis.com/tillit.common.v1.Money", Sample.moneyBytes),
            cDetail(arena, "type.tillit.example/tillit.common.v1.StringValue", []),
        ])
    }
}

// MARK: - The table

extension InteropCase {
    /// Every message of proto/, each with every field set, plus a few edge cases.
    static let all: [InteropCase] = rpc + health + common + testing + identity + booking + notes + supervision

    // tillit.rpc.v1
    static let rpc: [InteropCase] = [
        .make(swiftMetadata("x-on-behalf-of", Sample.unicode), c: tillit__rpc__v1__metadata_entry__init) {
            a, m in
            m.key = a.string("x-on-behalf-of")
            m.value = a.string(Sample.unicode)
        },
        .make(
            swiftDetail("type.googleapis.com/tillit.common.v1.Money", Sample.moneyBytes),
            c: tillit__rpc__v1__status_detail__init
        ) {
            a, m in
            m.type_url = a.string("type.googleapis.com/tillit.common.v1.Money")
            m.value = a.bytes(Sample.moneyBytes)
        },
        .make(swiftStatus(), c: tillit__rpc__v1__status__init) { a, m in
            m = cStatus(a).pointee
        },
        .make(
            {
                var frame = Tillit_Rpc_V1_Frame()
                frame.callID = UInt64.max - 1
                frame.kind = .response
                frame.method = "/tillit.testing.v1.Echo/Echo"
                frame.metadata = [
                    swiftMetadata("x-request-id", Sample.uuid),
                    swiftMetadata("authorization", "Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln"),
                    swiftMetadata("x-request-id", ""),
                ]
                frame.timeoutMicros = 1
                frame.payload = Data(Sample.binary)
                frame.status = swiftStatus()
                return frame
            }(), c: tillit__rpc__v1__frame__init
        ) { a, m in
            m.call_id = UInt64.max - 1
            m.kind = TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_RESPONSE
            m.method = a.string("/tillit.testing.v1.Echo/Echo")
            (m.n_metadata, m.metadata) = a.array([
                cMetadata(a, "x-request-id", Sample.uuid),
                cMetadata(a, "authorization", "Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln"),
                cMetadata(a, "x-request-id", ""),
            ])
            m.timeout_micros = 1
            m.payload = a.bytes(Sample.binary)
            m.status = cStatus(a)
        },
        // What the server sends for an OK call: a present but empty status (`3a 00`).
        .make(
            {
                var frame = Tillit_Rpc_V1_Frame()
                frame.callID = 7
                frame.kind = .response
                frame.status = Tillit_Rpc_V1_Status()
                return frame
            }(), name: "Frame (OK response, empty status present)", allFieldsSet: false,
            c: tillit__rpc__v1__frame__init
        ) { a, m in
            m.call_id = 7
            m.kind = TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_RESPONSE
            m.status = a.message(tillit__rpc__v1__status__init)
        },
        // An enum value this side does not know (a later protocol's frame kind) is kept.
        .make(
            {
                var frame = Tillit_Rpc_V1_Frame()
                frame.kind = .UNRECOGNIZED(42)
                return frame
            }(), name: "Frame (unrecognised kind 42)", allFieldsSet: false, c: tillit__rpc__v1__frame__init
        ) { _, m in
            m.kind = Tillit__Rpc__V1__FrameKind(rawValue: 42)
        },
    ]

    // tillit.health.v1
    static let health: [InteropCase] = [
        .make(
            {
                var request = Tillit_Health_V1_HealthCheckRequest()
                request.service = "tillit.identity.v1.Identity"
                return request
            }(), c: tillit__health__v1__health_check_request__init
        ) { a, m in
            m.service = a.string("tillit.identity.v1.Identity")
        },
        .make(
            {
                var response = Tillit_Health_V1_HealthCheckResponse()
                response.status = .serviceUnknown
                response.degraded = true
                response.reason = "revoked-session list is stale — \(Sample.unicode)"
                return response
            }(), c: tillit__health__v1__health_check_response__init
        ) { a, m in
            m.status =
                TILLIT__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING_STATUS_SERVICE_UNKNOWN
            m.degraded = 1
            m.reason = a.string("revoked-session list is stale — \(Sample.unicode)")
        },
    ]

    // tillit.common.v1
    static let common: [InteropCase] = [
        .make(swiftTimestampA(), c: tillit__common__v1__timestamp__init) { a, m in
            m = cTimestampA(a).pointee
        },
        .make(swiftTimestampB(), name: "Timestamp (negative nanos)", c: tillit__common__v1__timestamp__init) {
            a, m in
            m = cTimestampB(a).pointee
        },
        .make(
            {
                var range = Tillit_Common_V1_TimeRange()
                range.start = swiftTimestampA()
                range.end = swiftTimestampB()
                return range
            }(), c: tillit__common__v1__time_range__init
        ) { a, m in
            m.start = cTimestampA(a)
            m.end = cTimestampB(a)
        },
        // Present but empty sub-messages encode as `0a 00` / `12 00`.
        .make(
            {
                var range = Tillit_Common_V1_TimeRange()
                range.start = Tillit_Common_V1_Timestamp()
                range.end = Tillit_Common_V1_Timestamp()
                return range
            }(), name: "TimeRange (empty sub-messages present)", allFieldsSet: true,
            c: tillit__common__v1__time_range__init
        ) { a, m in
            m.start = a.message(tillit__common__v1__timestamp__init)
            m.end = a.message(tillit__common__v1__timestamp__init)
        },
        .make(
            {
                var date = Tillit_Common_V1_Date()
                date.year = -753
                date.month = 4
                date.day = 21
                return date
            }(), c: tillit__common__v1__date__init
        ) { _, m in
            m.year = -753
            m.month = 4
            m.day = 21
        },
        .make(
            {
                var money = Tillit_Common_V1_Money()
                money.currency = "SEK"
                money.minorUnits = -95_000
                return money
            }(), c: tillit__common__v1__money__init
        ) { a, m in
            m.currency = a.string("SEK")
            m.minor_units = -95_000
        },
        .make(
            {
                var id = Tillit_Common_V1_OrganizationId()
                id.value = Sample.uuid
                return id
            }(), c: tillit__common__v1__organization_id__init
        ) { a, m in
            m.value = a.string(Sample.uuid)
        },
        .make(
            {
                var id = Tillit_Common_V1_AccountId()
                id.value = "konto-åäö-жизнь-🙂"
                return id
            }(), c: tillit__common__v1__account_id__init
        ) { a, m in
            m.value = a.string("konto-åäö-жизнь-🙂")
        },
        .make(
            {
                var page = Tillit_Common_V1_PageRequest()
                page.pageSize = UInt32.max
                page.pageToken = "nästa/страница/ページ"
                return page
            }(), c: tillit__common__v1__page_request__init
        ) { a, m in
            m.page_size = UInt32.max
            m.page_token = a.string("nästa/страница/ページ")
        },
        .make(
            {
                var page = Tillit_Common_V1_PageResponse()
                page.nextPageToken = "c2lkYSAy"
                return page
            }(), c: tillit__common__v1__page_response__init
        ) { a, m in
            m.next_page_token = a.string("c2lkYSAy")
        },
        .make(
            {
                var value = Tillit_Common_V1_StringValue()
                value.value = "Zażółć gęślą jaźń"
                return value
            }(), c: tillit__common__v1__string_value__init
        ) { a, m in
            m.value = a.string("Zażółć gęślą jaźń")
        },
        .make(
            {
                var value = Tillit_Common_V1_Int64Value()
                value.value = Int64.min
                return value
            }(), c: tillit__common__v1__int64_value__init
        ) { _, m in
            m.value = Int64.min
        },
        .make(
            {
                var value = Tillit_Common_V1_BoolValue()
                value.value = true
                return value
            }(), c: tillit__common__v1__bool_value__init
        ) { _, m in
            m.value = 1
        },
    ]

    // tillit.testing.v1
    static let testing: [InteropCase] = [
        .make(
            {
                var request = Tillit_Testing_V1_EchoRequest()
                request.text = Sample.unicode
                request.data = Data(Sample.binary)
                request.delayMillis = 1234
                request.failCode = -1
                // The empty Timestamp in the middle encodes as `2a 00`.
                request.stamps = [swiftTimestampA(), Tillit_Common_V1_Timestamp(), swiftTimestampB()]
                return request
            }(), c: tillit__testing__v1__echo_request__init
        ) { a, m in
            m.text = a.string(Sample.unicode)
            m.data = a.bytes(Sample.binary)
            m.delay_millis = 1234
            m.fail_code = -1
            (m.n_stamps, m.stamps) = a.array([
                cTimestampA(a), a.message(tillit__common__v1__timestamp__init), cTimestampB(a),
            ])
        },
        .make(
            {
                var response = Tillit_Testing_V1_EchoResponse()
                response.text = "😀 \(Sample.unicode)"
                response.data = Data(repeating: 0xA5, count: 300)  // a two-byte length prefix
                response.seenMetadata = ["authorization=Bearer x", "", "ключ=значение"]
                response.remainingMicros = UInt64.max
                return response
            }(), c: tillit__testing__v1__echo_response__init
        ) { a, m in
            m.text = a.string("😀 \(Sample.unicode)")
            m.data = a.bytes([UInt8](repeating: 0xA5, count: 300))
            (m.n_seen_metadata, m.seen_metadata) = a.array([
                a.string("authorization=Bearer x"), a.string(""), a.string("ключ=значение"),
            ])
            m.remaining_micros = UInt64.max
        },
    ]
}
