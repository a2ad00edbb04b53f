import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// What a `tillit booking` command's body gets: Booking's client and the signed-in Identity
/// call whose token it carries.
struct BookingCall: Sendable {
    /// The generated Booking client.
    let client: Tillit_Booking_V1_Booking.Client
    /// Where Booking is.
    let address: ServiceAddress
    /// The Identity side: its client, the session and the call options with the token.
    let identity: IdentityCall

    /// Call options with `authorization: Bearer <access token>`.
    var options: CallOptions { identity.options }

    /// Runs `body` against Identity; its failures are reported as Identity's (UNAUTHENTICATED
    /// passes through, so the session is refreshed and the command retried once).
    func askIdentity<T>(_ body: (Tillit_Identity_V1_Identity.Client) async throws -> T) async throws -> T {
        do {
            return try await body(identity.client)
        } catch let error as RPCError where error.code != .unauthenticated {
            throw CLIError(error, service: "identity", address: identity.address)
        }
    }

    /// An account id as given on the command line: `me` is the signed-in account.
    func account(_ text: String) -> String {
        text.lowercased() == "me" ? identity.session.accountID : text
    }

    /// What the output for people needs: the zone times are shown and read in (`--zone`, else a
    /// client's own zone, else the practice's) and, with `names`, the names of accounts,
    /// locations and session types (best effort: an id is shown where a name cannot be read).
    func context(zone: String?, names: Bool) async throws -> BookingContext {
        var context = BookingContext(clock: LocalClock(zone: TimeZone(identifier: "UTC")!))
        if let zone {
            context.clock = try LocalClock(identifier: zone, option: "--zone")
        }
        if zone == nil || names {
            async let organization = askIdentity {
                try await $0.getOrganization(Tillit_Identity_V1_GetOrganizationRequest(), options: options)
            }
            async let own = try? identity.client.getAccount(
                .with { $0.accountID.value = identity.session.accountID }, options: options)
            let practice = try await organization.organization
            if names, let account = await own?.account {
                // A client cannot list accounts, but knows its own name.
                context.accounts[account.id.value] = account.displayName
            }
            for location in practice.locations { context.locations[location.id] = location.name }
            if zone == nil {
                let clientZone = await own?.account.client.timeZone ?? ""
                let name = clientZone.isEmpty ? practice.timeZone : clientZone
                context.clock = try LocalClock(identifier: name, option: "the practice's time zone")
            }
        }
        if names {
            async let types = try? client.listSessionTypes(
                .with { $0.includeArchived = true }, options: options)
            async let staff = try? listAllAccounts(identity, kind: .staff, includeDeactivated: true)
            async let clients = try? listAllAccounts(identity, kind: .client, includeDeactivated: true)
            for type in await types?.sessionTypes ?? [] { context.sessionTypes[type.id] = type.name }
            for account in (await staff ?? []) + (await clients ?? []) {
                context.accounts[account.id.value] = account.displayName
            }
        }
        return context
    }
}
