import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// What Notes asks Booking and Identity, always with the calling user's own token relayed and
/// `x-calling-service: notes` (`RelayedCall`): either unreachable or slow answers UNAVAILABLE
/// or DEADLINE_EXCEEDED, so nothing that needed the answer is written or shown.
public struct NotesDependencies: Sendable {
    private let booking: Tillit_Booking_V1_Booking.Client
    private let identity: Tillit_Identity_V1_Identity.Client
    private let toBooking: RelayedCall
    private let toIdentity: RelayedCall

    /// Dependencies reached through `booking` and `identity`.
    public init(booking: RPCClient, identity: RPCClient, timeout: Duration) {
        self.booking = Tillit_Booking_V1_Booking.Client(booking)
        self.identity = Tillit_Identity_V1_Identity.Client(identity)
        self.toBooking = RelayedCall(from: .notes, to: "Booking", timeout: timeout)
        self.toIdentity = RelayedCall(from: .notes, to: "Identity", timeout: timeout)
    }

    /// Whether Booking says `practitioner` has a care relationship with `client` now.
    public func hasCareRelationship(practitioner: String, client: String) async throws -> Bool {
        try await toBooking(notFound: "client") {
            try await booking.verifyCareRelationship(
                .with {
                    $0.practitionerID.value = practitioner
                    $0.clientID.value = client
                }, options: $0)
        }.active
    }

    /// Whether Identity says `client`'s `share_with_practitioner` consent naming
    /// `practitioner` is in force now.
    public func sharesRecord(client: String, with practitioner: String) async throws -> Bool {
        try await toIdentity(notFound: "client") {
            try await identity.checkConsent(
                .with {
                    $0.clientID.value = client
                    $0.kind = .shareWithPractitioner
                    $0.practitionerID.value = practitioner
                }, options: $0)
        }.granted
    }

    /// The supervisor Identity names for staff account `id` (nil when none).
    public func supervisor(of id: String) async throws -> String? {
        let account = try await toIdentity(notFound: "account") {
            try await identity.getAccount(.with { $0.accountID.value = id }, options: $0)
        }.account
        let supervisor = account.staff.supervisorID.value
        return supervisor.isEmpty ? nil : supervisor
    }
}
