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

    /// The names of accounts for people (best effort: an id is shown where a name cannot be
    /// read, e.g. a client cannot list the practice's accounts); empty with `names` false.
    func context(names: Bool) async -> NotesContext {
        var context = NotesContext()
        guard names else { return context }
        async let own = try? identity.client.getAccount(
            .with { $0.accountID.value = identity.session.accountID }, options: options)
        async let staff = try? listAllAccounts(identity, kind: .staff, includeDeactivated: true)
        async let clients = try? listAllAccounts(identity, kind: .client, includeDeactivated: true)
        if let account = await own?.account { context.accounts[account.id.value] = account.displayName }
        for account in (await staff ?? []) + (await clients ?? []) {
            context.accounts[account.id.value] = account.displayName
        }
        return context
    }

    /// Every page of a list: `fetch` with each page token in turn, until the last.
    static func all<Item>(
        pageSize: UInt32 = 200, limit: Int = .max,
        _ fetch: (Tillit_Common_V1_PageRequest) async throws -> ([Item], Tillit_Common_V1_PageResponse)
    ) async throws -> [Item] {
        var page = Tillit_Common_V1_PageRequest()
        page.pageSize = pageSize
        var items: [Item] = []
        repeat {
            let (found, next) = try await fetch(page)
            items += found
            page.pageToken = next.nextPageToken
        } while !page.pageToken.isEmpty && items.count < limit
        return Array(items.prefix(limit))
    }
}

/// The names `tillit notes` prints for people; an id without a known name is printed as it is.
struct NotesContext: Sendable {
    /// Account display names by id.
    var accounts: [String: String] = [:]

    /// The name of account `id`, else the id; `-` when empty.
    func account(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "-" }
        return accounts[id] ?? id
    }
}
