import Testing
import TillitContracts
import TillitServiceKit

/// Keyset page requests and tokens, without a server.
@Suite(.timeLimit(.minutes(1))) struct PageTests {
    @Test func sizesDefaultAndCap() throws {
        #expect(try Page(Tillit_Common_V1_PageRequest()).size == 50)
        var request = Tillit_Common_V1_PageRequest()
        request.pageSize = 10_000
        #expect(try Page(request).size == 500)
        request.pageSize = 7
        #expect(try Page(request).size == 7)
    }

    @Test func aTokenCarriesTheLastKeyAcrossPages() throws {
        let first = Page(size: 2)
        let rows = ["a", "b", "c"]
        let (kept, response) = first.split(rows) { $0 }
        #expect(kept == ["a", "b"])
        #expect(!response.nextPageToken.isEmpty)
        var request = Tillit_Common_V1_PageRequest()
        request.pageSize = 2
        request.pageToken = response.nextPageToken
        #expect(try Page(request).after == "b")
        let (last, end) = try Page(request).split(["c"]) { $0 }
        #expect(last == ["c"])
        #expect(end.nextPageToken.isEmpty)
    }

    @Test func foreignTokensAreInvalidArgumentsNamingTheField() {
        for token in ["not base64!", "b2Zmc2V0OjQ", String(repeating: "A", count: 600)] {
            var request = Tillit_Common_V1_PageRequest()
            request.pageToken = token
            let error = #expect(throws: ServiceError.self) { try Page(request) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix("page.page_token:") == true)
        }
    }
}
