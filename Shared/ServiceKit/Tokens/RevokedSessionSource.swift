import Foundation
import TillitContracts
import TillitRPC

/// One answer about ended sessions: those ended after a cursor, and the cursor to ask from next.
public struct RevokedSessionPage: Sendable {
    /// The ended sessions and until when each must be refused.
    public var sessions: [(id: String, forgetAfter: Date)]
    /// Where the next question starts.
    public var nextCursor: String
    /// Whether more ended sessions wait (ask again at once).
    public var more: Bool

    /// A page.
    public init(sessions: [(id: String, forgetAfter: Date)], nextCursor: String, more: Bool = false) {
        self.sessions = sessions
        self.nextCursor = nextCursor
        self.more = more
    }
}

/// Where a verifier learns which sessions ended.
public protocol RevokedSessionSource: Sendable {
    /// The sessions ended after `cursor` ("" for all still relevant).
    func revokedSessions(after cursor: String) async throws -> RevokedSessionPage
}

/// Asks Identity's ListRevokedSessions over RPC (a public rpc, like GetSigningKeys).
public struct IdentityRevokedSessionSource: RevokedSessionSource {
    private let client: Tillit_Identity_V1_Identity.Client
    private let callOptions: CallOptions

    /// A source calling `client` with `callOptions` (give it a short timeout: a poll that hangs
    /// delays every later one).
    public init(
        client: Tillit_Identity_V1_Identity.Client,
        callOptions: CallOptions = CallOptions(timeout: .seconds(2))
    ) {
        self.client = client
        self.callOptions = callOptions
    }

    /// One ListRevokedSessions call.
    public func revokedSessions(after cursor: String) async throws -> RevokedSessionPage {
        var request = Tillit_Identity_V1_ListRevokedSessionsRequest()
        request.cursor = cursor
        let response = try await client.listRevokedSessions(request, options: callOptions)
        return RevokedSessionPage(
            sessions: response.sessions.map { session -> (id: String, forgetAfter: Date) in
                let forget = session.forgetAfter
                return (
                    session.sessionID,
                    Date(timeIntervalSince1970: Double(forget.seconds) + Double(forget.nanos) / 1e9)
                )
            },
            nextCursor: response.nextCursor, more: response.more)
    }
}
