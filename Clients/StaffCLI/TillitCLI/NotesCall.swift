import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// What a `tillit notes` command's body gets: Notes' client and the signed-in Identity call
/// whose token it carries.
struct NotesCall: Sendable {
    /// The generated Notes client.
    let client: Tillit_Notes_V1_Notes.Client
    /// Where Notes is.
    let address: ServiceAddress
    /// The Identity side: its client, the session and the call options with the token.
    let identity: IdentityCall

    /// Call options with `authorization: Bearer <access token>`.
    var options: CallOptions { identity.options }

    /// An account id as given on the command line: `me` is the signed-in account.
    func account(_ text: String) -> String {
        text.lowercased() == "me" ? identity.session.accountID : text
    }

    /// The names of accounts for people (see `IdentityCall.accountNames(_:)`).
    func context(names: Bool) async -> AccountNames {
        await identity.accountNames(names)
    }
}
