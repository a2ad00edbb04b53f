import TillitServiceKit

extension AccountRecord {
    /// Where an account stands in ListAccounts' order (display name without case, then id):
    /// the keyset a page continues after.
    struct PageKey: Sendable, Equatable {
        /// The account's display name.
        var displayName: String
        /// The account's id (36 characters), breaking ties between equal names.
        var id: String

        /// The key as `Page` carries it: the id, then the display name.
        var token: String { id + displayName }

        /// The key of a page token's `after`; INVALID_ARGUMENT (`page.page_token`) for one this
        /// service did not issue.
        init(token: String) throws {
            guard token.utf8.count >= 36, let id = try? Validation.id(String(token.prefix(36)), field: "id")
            else { throw ServiceError.invalid("page.page_token", "is not a token this service issued") }
            self.id = id
            displayName = String(token.dropFirst(36))
        }

        /// The key of an account.
        init(displayName: String, id: String) {
            self.displayName = displayName
            self.id = id
        }
    }

    /// This account's place in ListAccounts' order.
    var pageKey: PageKey { PageKey(displayName: displayName, id: id) }
}
