import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// What a `tillit supervision` command's body gets: Supervision's client and the signed-in
/// Identity call whose token it carries.
struct SupervisionCall: Sendable {
    /// The generated Supervision client.
    let client: Tillit_Supervision_V1_Supervision.Client
    /// Where Supervision is.
    let address: ServiceAddress
    /// The Identity side: its client, the session and the call options with the token.
    let identity: IdentityCall

    /// Call options with `authorization: Bearer <access token>`.
    var options: CallOptions { identity.options }

    /// An account id as given on the command line: `me` is the signed-in account.
    func account(_ text: String) -> String {
        text.lowercased() == "me" ? identity.session.accountID : text
    }

    /// The wire form of account id `text` (`me` is the signed-in account).
    func accountID(_ text: String) -> Tillit_Common_V1_AccountId {
        .with { $0.value = account(text) }
    }

    /// The names of accounts for people (see `IdentityCall.accountNames(_:)`).
    func context(names: Bool) async -> AccountNames {
        await identity.accountNames(names)
    }

    /// Today in the practice's time zone (Supervision's dates are the practice's).
    func today() async throws -> CivilDate {
        let organization: Tillit_Identity_V1_GetOrganizationResponse
        do {
            organization = try await identity.client.getOrganization(.init(), options: options)
        } catch let error as RPCError where error.code != .unauthenticated {
            throw CLIError(error, service: "identity", address: identity.address)
        }
        let zone = TimeZone(identifier: organization.organization.timeZone) ?? TimeZone(identifier: "UTC")!
        return CivilDates.today(in: zone)
    }
}
