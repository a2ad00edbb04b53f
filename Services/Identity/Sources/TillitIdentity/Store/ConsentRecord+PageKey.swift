import TillitServiceKit

extension ConsentRecord {
    /// Where a consent stands in ListConsents' order (newest grant first, then id): the keyset a
    /// page continues after.
    struct PageKey: Sendable, Equatable {
        /// When the consent was given, in milliseconds since the epoch.
        var grantedAt: Int64
        /// The consent's id, breaking ties between equal instants.
        var id: String

        /// The key as `Page` carries it: `<granted_at>:<id>`.
        var token: String { "\(grantedAt):\(id)" }

        /// The key of a page token's `after`; INVALID_ARGUMENT (`page.page_token`) for one this
        /// service did not issue.
        init(token: String) throws {
            let parts = token.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let grantedAt = Int64(parts[0]),
                let id = try? Validation.id(String(parts[1]), field: "id")
            else { throw ServiceError.invalid("page.page_token", "is not a token this service issued") }
            self.grantedAt = grantedAt
            self.id = id
        }

        /// The key of a consent.
        init(grantedAt: Int64, id: String) {
            self.grantedAt = grantedAt
            self.id = id
        }
    }

    /// This consent's place in ListConsents' order.
    var pageKey: PageKey { PageKey(grantedAt: grantedAt, id: id) }
}
