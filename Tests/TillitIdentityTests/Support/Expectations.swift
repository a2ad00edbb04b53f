import Testing
import TillitRPC

/// Runs `body`, which must fail with an `RPCError` of `code`; returns the error for more checks.
@discardableResult
func expectRPCError(
    _ code: StatusCode, _ note: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async -> RPCError? {
    do {
        _ = try await body()
        Issue.record("expected \(code), the call succeeded. \(note)", sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(error.code == code, "\(error) \(note)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
