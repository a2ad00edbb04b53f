import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// What Supervision asks Identity, Booking and Notes, always with the calling user's own token
/// relayed and `x-calling-service: supervision` (`RelayedCall`): a dependency unreachable or
/// slow answers UNAVAILABLE or DEADLINE_EXCEEDED, and nothing that needed it is recorded.
public struct SupervisionDependencies: Sendable {
    private let identity: Tillit_Identity_V1_Identity.Client
    private let booking: Tillit_Booking_V1_Booking.Client
    private let notes: Tillit_Notes_V1_Notes.Client
    private let toIdentity: RelayedCall
    private let toBooking: RelayedCall
    private let toNotes: RelayedCall

    /// Dependencies reached through the three clients.
    public init(identity: RPCClient, booking: RPCClient, notes: RPCClient, timeout: Duration) {
        self.identity = Tillit_Identity_V1_Identity.Client(identity)
        self.booking = Tillit_Booking_V1_Booking.Client(booking)
        self.notes = Tillit_Notes_V1_Notes.Client(notes)
        self.toIdentity = RelayedCall(from: .supervision, to: "Identity", timeout: timeout)
        self.toBooking = RelayedCall(from: .supervision, to: "Booking", timeout: timeout)
        self.toNotes = RelayedCall(from: .supervision, to: "Notes", timeout: timeout)
    }

    /// The account `id` (NOT_FOUND unless of the caller's organisation).
    public func account(_ id: String) async throws -> Tillit_Identity_V1_Account {
        try await toIdentity(notFound: "account") {
            try await identity.getAccount(.with { $0.accountID.value = id }, options: $0)
        }.account
    }

    /// The practice's IANA time zone.
    public func practiceZone() async throws -> String {
        try await toIdentity { try await identity.getOrganization(.init(), options: $0) }.organization.timeZone
    }

    /// Whether `client`'s `case_consultation` consent is in force now.
    public func consentsToConsultation(_ client: String) async throws -> Bool {
        try await toIdentity(notFound: "client") {
            try await identity.checkConsent(
                .with {
                    $0.clientID.value = client
                    $0.kind = .caseConsultation
                }, options: $0)
        }.granted
    }

    /// `practitioner`'s attended direct-contact minutes in each of `ranges` (milliseconds), in
    /// one call.
    public func directContactMinutes(_ practitioner: String, ranges: [Range<Int64>]) async throws -> [UInt64] {
        guard !ranges.isEmpty else { return [] }
        let answer = try await toBooking {
            try await booking.directContactHours(
                .with {
                    $0.practitionerID.value = practitioner
                    $0.periods = ranges.map(Tillit_Common_V1_TimeRange.init(millis:))
                }, options: $0)
        }
        guard answer.periods.count == ranges.count else {
            throw ServiceError(.internalError, "Booking answered \(answer.periods.count) periods for \(ranges.count)")
        }
        return answer.periods.map(\.attendedMinutes)
    }

    /// Booking's contact-window answer for `practitioner` at `at`.
    public func contactWindow(_ practitioner: String, at: Int64) async throws
        -> Tillit_Booking_V1_CheckContactWindowResponse
    {
        try await toBooking {
            try await booking.checkContactWindow(
                .with {
                    $0.practitionerID.value = practitioner
                    $0.at = Tillit_Common_V1_Timestamp(millis: at)
                }, options: $0)
        }
    }

    /// A page of the notes awaiting the caller's co-signature.
    public func awaitingCosignature(_ page: Tillit_Common_V1_PageRequest) async throws
        -> Tillit_Notes_V1_ListAwaitingCosignatureResponse
    {
        try await toNotes(notFound: "note") {
            try await notes.listAwaitingCosignature(.with { $0.page = page }, options: $0)
        }
    }

    /// Co-signs `note` through Notes as the caller.
    public func cosign(_ note: String, key: String) async throws -> Tillit_Notes_V1_Note {
        try await toNotes(notFound: "note") {
            try await notes.cosignNote(
                .with {
                    $0.noteID = note
                    $0.requestKey = key
                }, options: $0)
        }.note
    }

    /// Returns `note` to draft through Notes as the caller.
    public func returnNote(_ note: String, comment: String) async throws -> Tillit_Notes_V1_Note {
        try await toNotes(notFound: "note") {
            try await notes.returnNote(
                .with {
                    $0.noteID = note
                    $0.comment = comment
                }, options: $0)
        }.note
    }
}
