import Foundation
import TillitContracts
import TillitServiceKit

/// Issues access tokens for accounts: PASETO v4.public signed with the ring's current key.
struct TokenIssuer: Sendable {
    let keys: SigningKeyRing
    let lifetime: Duration
    let now: @Sendable () -> Date

    /// A signed access token for `account` and when it expires. `scope` limits what it allows
    /// (`totp_enrolment`: only EnrolTotp and ConfirmTotp); `session` is the refresh-token family
    /// it belongs to (so ChangePassword can keep the caller's own session). A scoped token
    /// carries no roles: it does only what its scope names, in every service, even one that
    /// looked at roles alone.
    func accessToken(for account: AccountRecord, scope: Scope? = nil, session: String? = nil) async throws
        -> (token: String, expiresAt: Date)
    {
        let issuedAt = Date(timeIntervalSince1970: floor(now().timeIntervalSince1970))
        let expiresAt = issuedAt.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        let claims = AccessTokenClaims(
            subject: account.id, organization: account.organization, kind: account.kind,
            roles: scope == nil ? account.roles.sorted() : [],
            licence: account.licence, tokenID: IdentityStore.newID(),
            issuedAt: issuedAt,
            expiresAt: expiresAt,
            scope: scope, sessionID: session)
        do {
            return (try await keys.signer().sign(claims), expiresAt)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.internalError, "cannot sign the access token", cause: error)
        }
    }

    /// The wire token pair.
    func pair(for account: AccountRecord, refresh: IssuedRefreshToken, scope: Scope? = nil) async throws
        -> Tillit_Identity_V1_TokenPair
    {
        let access = try await accessToken(for: account, scope: scope, session: refresh.family)
        var pair = Tillit_Identity_V1_TokenPair()
        pair.accessToken = access.token
        pair.accessTokenExpiresAt = WireMapping.timestamp(access.expiresAt)
        pair.refreshToken = refresh.token
        pair.refreshTokenExpiresAt = WireMapping.timestamp(millis: refresh.expiresAt)
        return pair
    }
}
