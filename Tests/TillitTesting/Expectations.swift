import Testing
import TillitRPC
import TillitServiceKit

/// How one call ended: success, or the status code it failed with.
public enum Outcome: Equatable, Sendable, CustomStringConvertible {
    /// The call succeeded.
    case ok
    /// The call failed with this status.
    case failed(StatusCode)
    /// Not an `RPCError` at all (the transport or the test itself went wrong).
    case error(String)

    /// `OK`, the status code, or the error text.
    public var description: String {
        switch self {
        case .ok: "OK"
        case .failed(let code): "\(code)"
        case .error(let text): "error: \(text)"
        }
    }

    /// The answer to a caller who may not: UNAUTHENTICATED without a token, PERMISSION_DENIED with one.
    public static func refused(anonymous: Bool) -> Outcome {
        anonymous ? .failed(.unauthenticated) : .failed(.permissionDenied)
    }
}

/// Runs `body` and returns how it ended, its response on success and the server's message on failure.
public func attempt<T>(_ body: () async throws -> T) async -> (
    outcome: Outcome, response: T?, message: String
) {
    do {
        return (.ok, try await body(), "")
    } catch let error as RPCError {
        return (.failed(error.code), nil, error.message)
    } catch {
        return (.error(String(describing: error)), nil, "")
    }
}

/// Runs one call and expects it to end with `expected`; `cell` names the call and the caller.
/// Returns the response when the call succeeded.
@discardableResult
public func expectOutcome<T>(
    _ expected: Outcome, _ cell: Comment, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async -> T? {
    let (outcome, response, message) = await attempt(body)
    let comment = Comment(rawValue: message.isEmpty ? cell.rawValue : "\(cell.rawValue) (server: \(message))")
    #expect(outcome == expected, comment, sourceLocation: sourceLocation)
    return response
}

/// Expects `body` to fail with `code`.
public func expectCode<T>(
    _ code: StatusCode, _ cell: Comment, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    await expectOutcome(.failed(code), cell, sourceLocation: sourceLocation, body)
}

/// Runs `body`, which must fail with an `RPCError` of `code`; returns the error for more checks.
@discardableResult
public func expectRPCError(
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

/// The error `body` throws, which must be a `ServiceError` with INVALID_ARGUMENT whose message
/// starts with `field: ` (validation names the field it refuses); nil, and an issue, otherwise.
@discardableResult
public func expectInvalidArgument(
    naming field: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> some Any
) -> ServiceError? {
    do {
        let value = try body()
        Issue.record(
            "expected INVALID_ARGUMENT naming \(field), got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as ServiceError {
        #expect(error.code == .invalidArgument, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.hasPrefix("\(field): "), "\(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected ServiceError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
