import ArgumentParser
import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// What an authenticated command's body gets: the Identity client, call options carrying the
/// access token, and the session.
struct IdentityCall: Sendable {
    /// The generated Identity client.
    let client: Tillit_Identity_V1_Identity.Client
    /// Call options with `authorization: Bearer <access token>`.
    let options: CallOptions
    /// The current session (after any refresh).
    let session: Session
    /// Where Identity is.
    let address: ServiceAddress
}

/// A command that acts as the signed-in user. A command group for a future service adopts it
/// the same way: declare `addresses` and `output`, then call `withIdentity` (or open its own
/// service's client with `call.options`, which carry the token).
protocol AuthenticatedCommand: AsyncParsableCommand {
    /// Service addresses (`--identity-addr`, …).
    var addresses: ServiceAddressOptions { get }
    /// `--json`.
    var output: OutputOptions { get }
}

extension AuthenticatedCommand {
    /// Seconds before expiry at which the access token is refreshed before a call.
    static var refreshMargin: TimeInterval { 30 }

    /// Loads the session, refreshes the access token when it expires within 30 s (or when a
    /// call answers UNAUTHENTICATED, once), runs `body`, and turns failures into `CLIError`s.
    func withIdentity<T>(_ body: (IdentityCall) async throws -> T) async throws -> T {
        let store = SessionStore()
        guard var session = try store.load() else { throw CLIError.notLoggedIn }
        let address = try addresses.identityAddress(session: session)
        return try await IdentityConnection.with(address) { connection in
            if session.accessTokenExpires(within: Self.refreshMargin) {
                session = try await Self.refresh(session, connection: connection, store: store)
            }
            do {
                return try await body(Self.call(connection, session))
            } catch let error as RPCError where error.code == .unauthenticated {
                session = try await Self.refresh(session, connection: connection, store: store)
                do {
                    return try await body(Self.call(connection, session))
                } catch let error as RPCError {
                    throw Self.describe(error, connection: connection, session: session)
                }
            } catch let error as RPCError {
                throw Self.describe(error, connection: connection, session: session)
            }
        }
    }

    private static func call(_ connection: IdentityConnection, _ session: Session) -> IdentityCall {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(session.accessToken)")
        metadata.add(Metadata.Key.traceparent, CommandTrace.header)
        return IdentityCall(
            client: connection.client, options: CallOptions(metadata: metadata), session: session,
            address: connection.address)
    }

    private static func describe(_ error: RPCError, connection: IdentityConnection, session: Session)
        -> CLIError
    {
        if error.code == .permissionDenied, session.totpEnrolmentRequired {
            return CLIError(
                .auth,
                "two-factor enrolment required first: run `tillit mfa enrol`, then `tillit mfa confirm <code>`, then log in again"
            )
        }
        if error.code == .unauthenticated { return .sessionEnded }
        return connection.error(error)
    }

    /// Exchanges the refresh token for new tokens and stores them; under the session lock, so a
    /// concurrent `tillit` that already refreshed is noticed instead of reusing the old token.
    static func refresh(_ session: Session, connection: IdentityConnection, store: SessionStore) async throws
        -> Session
    {
        try await store.withLock {
            guard var current = try store.load() else { throw CLIError.notLoggedIn }
            if current.refreshToken != session.refreshToken,
                !current.accessTokenExpires(within: refreshMargin)
            {
                return current
            }
            var request = Tillit_Identity_V1_RefreshRequest()
            request.refreshToken = current.refreshToken
            let response: Tillit_Identity_V1_RefreshResponse
            do {
                response = try await connection.client.refresh(request)
            } catch let error as RPCError where error.code == .unauthenticated {
                try? store.delete()
                throw CLIError.sessionEnded
            }
            current.accessToken = response.tokens.accessToken
            current.accessTokenExpiresAt = response.tokens.accessTokenExpiresAt.date
            current.refreshToken = response.tokens.refreshToken
            current.refreshTokenExpiresAt = response.tokens.refreshTokenExpiresAt.date
            try store.save(current)
            return current
        }
    }
}
