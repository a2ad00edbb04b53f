import Foundation
import TillitContracts

/// Paged lists read whole.
enum Pages {
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
