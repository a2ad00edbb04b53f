import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Booking's questions to Identity, asked with the calling user's own access token (relayed:
/// Identity verifies it and applies its own rules, so nothing can be learnt through Booking
/// that the user could not ask Identity) and `x-calling-service: booking` over mutual TLS.
///
/// The call inherits the caller's deadline. Identity unreachable, slow or failing answers
/// UNAVAILABLE (or DEADLINE_EXCEEDED), so the write that needed the answer is not made.
public struct IdentityDirectory: Sendable {
    private let identity: Tillit_Identity_V1_Identity.Client
    private let ask: RelayedCall
    /// How long one question may take at most (the caller's deadline may be shorter).
    public var timeout: Duration { ask.timeout }

    /// A directory asking Identity through `client`.
    public init(client: RPCClient, timeout: Duration = .seconds(5)) {
        self.identity = Tillit_Identity_V1_Identity.Client(client)
        self.ask = RelayedCall(from: .booking, to: "Identity", timeout: timeout)
    }

    /// The practitioner `id` as the caller may see it: NOT_FOUND unless a staff account of the
    /// caller's organisation.
    public func practitioner(_ id: String, context: ServerContext) async throws -> PractitionerFacts {
        let account = try await account(id, context: context, what: "practitioner")
        guard account.kind == .staff else { throw ServiceError.notFound("practitioner") }
        return PractitionerFacts(
            id: id, displayName: account.displayName, discipline: account.staff.discipline,
            languages: account.staff.languages,
            bookable: account.status == .active && account.roles.contains(.practitioner))
    }

    /// Whether `id` is an active client account; NOT_FOUND unless a client of the organisation.
    public func requireActiveClient(_ id: String, context: ServerContext) async throws {
        let account = try await account(id, context: context, what: "client")
        guard account.kind == .client else { throw ServiceError.notFound("client") }
        guard account.status == .active else {
            throw ServiceError.failedPrecondition("the client is deactivated")
        }
    }

    /// The practice's zone and locations.
    public func organization(context: ServerContext) async throws -> (
        timeZone: String, locations: [LocationFacts]
    ) {
        let organization = try await ask { try await identity.getOrganization(.init(), options: $0) }
            .organization
        return (
            organization.timeZone,
            organization.locations.map {
                LocationFacts(id: $0.id, name: $0.name, city: $0.city, active: $0.active)
            }
        )
    }

    /// The practice's contact policy and the zone its hours are in.
    public func contactPolicy(context: ServerContext) async throws
        -> Tillit_Identity_V1_GetContactPolicyResponse
    {
        try await ask { try await identity.getContactPolicy(.init(), options: $0) }
    }

    private func account(_ id: String, context: ServerContext, what: String) async throws
        -> Tillit_Identity_V1_Account
    {
        do {
            return try await ask {
                try await identity.getAccount(.with { $0.accountID.value = id }, options: $0)
            }.account
        } catch let error as ServiceError where error.code == .notFound {
            throw ServiceError.notFound(what)
        }
    }
}
