import Testing
import TillitRPC

/// Expects `body` to fail with an `RPCError` of `code`; returns the error for more checks.
@discardableResult
func expectRPCError(
    _ code: StatusCode, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async -> RPCError? {
    do {
        _ = try await body()
        Issue.record(
            "expected \(code), the call succeeded \(comment.map { "(\($0))" } ?? "")",
            sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(
            error.code == code, "\(comment.map { "\($0): " } ?? "")\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
