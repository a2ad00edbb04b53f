import Foundation
import TillitContracts

/// A validated page request: size 1–500 (default 50) and an offset carried in an opaque token.
struct Paging: Sendable {
    var size: Int
    var offset: Int

    init(_ request: Tillit_Common_V1_PageRequest) throws {
        size = request.pageSize == 0 ? 50 : Int(min(request.pageSize, 500))
        offset = 0
        if !request.pageToken.isEmpty {
            guard request.pageToken.count <= 64, let data = Data(base64Encoded: request.pageToken),
                let text = String(data: data, encoding: .utf8), text.hasPrefix("o:"),
                let value = Int(text.dropFirst(2)), value >= 0
            else { throw IdentityError.invalid("page.page_token", "is not a token this service issued") }
            offset = value
        }
    }

    /// The next page's token, or empty when this was the last page.
    func response(hasMore: Bool) -> Tillit_Common_V1_PageResponse {
        var page = Tillit_Common_V1_PageResponse()
        if hasMore { page.nextPageToken = Data("o:\(offset + size)".utf8).base64EncodedString() }
        return page
    }
}
