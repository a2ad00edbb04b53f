import Foundation
import TillitContracts

/// A validated page request for keyset paging: a size (1–`maximum`, default 50) and the sort key
/// of the last item of the previous page, carried in an opaque token this service issued.
///
/// Stores query `WHERE key > after ORDER BY key LIMIT size + 1` (or `<` when newest first) and
/// hand the rows to `split`, which keeps `size` of them and makes the next token from the last
/// one kept — so a page costs an index seek however deep it is, and rows inserted meanwhile
/// never shift the pages.
public struct Page: Sendable, Equatable {
    /// How many items to return.
    public var size: Int
    /// The sort key after which this page starts; nil for the first page.
    public var after: String?

    /// The token prefix: a format version, so a future format can refuse old tokens clearly.
    static let prefix = "k1:"

    /// A first page of `size` items.
    public init(size: Int = 50, after: String? = nil) {
        self.size = size
        self.after = after
    }

    /// The page a request asks for; INVALID_ARGUMENT (`page.page_token`) for a token this
    /// service did not issue.
    public init(_ request: Tillit_Common_V1_PageRequest, maximum: Int = 500, defaultSize: Int = 50) throws {
        size = request.pageSize == 0 ? defaultSize : Int(min(request.pageSize, UInt32(maximum)))
        after = nil
        guard !request.pageToken.isEmpty else { return }
        guard request.pageToken.utf8.count <= 512, let bytes = Base64URL.decode(request.pageToken.utf8),
            let text = String(validating: bytes, as: UTF8.self), text.hasPrefix(Self.prefix)
        else { throw ServiceError.invalid("page.page_token", "is not a token this service issued") }
        after = String(text.dropFirst(Self.prefix.count))
    }

    /// The token that continues after `key`.
    public static func token(after key: String) -> String {
        Base64URL.encode(Array((prefix + key).utf8))
    }

    /// The first `size` of `rows` (fetched with `LIMIT size + 1`) and the response naming the
    /// next page, which is empty when there are no more rows.
    public func split<Row>(_ rows: [Row], key: (Row) -> String) -> (
        rows: [Row], page: Tillit_Common_V1_PageResponse
    ) {
        var page = Tillit_Common_V1_PageResponse()
        guard rows.count > size else { return (rows, page) }
        let kept = Array(rows.prefix(size))
        if let last = kept.last { page.nextPageToken = Self.token(after: key(last)) }
        return (kept, page)
    }
}
