import Foundation
import TillitContracts

/// The names the CLI prints for people; an id without a known name is printed as it is.
struct AccountNames: Sendable {
    /// Account display names by id.
    var accounts: [String: String] = [:]

    /// The name of account `id`, else the id; `-` when empty.
    func account(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "-" }
        return accounts[id] ?? id
    }
}

extension IdentityCall {
    /// The names of accounts for people (best effort: an id is shown where a name cannot be
    /// read, e.g. a client cannot list the practice's accounts); empty with `names` false.
    func accountNames(_ names: Bool) async -> AccountNames {
        var context = AccountNames()
        guard names else { return context }
        async let own = try? client.getAccount(
            .with { $0.accountID.value = session.accountID }, options: options)
        async let staff = try? listAllAccounts(self, kind: .staff, includeDeactivated: true)
        async let clients = try? listAllAccounts(self, kind: .client, includeDeactivated: true)
        if let account = await own?.account { context.accounts[account.id.value] = account.displayName }
        for account in (await staff ?? []) + (await clients ?? []) {
            context.accounts[account.id.value] = account.displayName
        }
        return context
    }
}
