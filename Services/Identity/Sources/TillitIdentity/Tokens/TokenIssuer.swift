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
    /// it belongs to (so ChangePassword can keep the caller's own session).
    func accessToken(for account: AccountRecord, scope: String? = nil, session: String? = nil) async throws
        -> (token: String, expiresAt: Date)
    {
        let issuedAt = Date(timeIntervalSince1970: floor(now().timeIntervalSince1970))
        let expiresAt = issuedAt.addingTimeInterval(TimeInterval(lifetime.components.seconds))
        // The schema's CHECK allows exactly these three kinds, named like `Principal.Kind`.
        guard let kind = Principal.Kind(rawValue: account.kind) else {
            throw IdentityError(.internalError, "unknown account kind")
        }
        let claims = AccessTokenClaims(
            subject: account.id, organization: account.organization, kind: kind,
            roles: account.roles.compactMap(Role.init(rawValue:)).sorted(),
            licence: account.licence.flatMap(LicenceStatus.init(rawValue:)), tokenID: IdentityStore.newID(),
            issuedAt: issuedAt,
            expiresAt: expiresAt,
            scope: scope.flatMap(Scope.init(rawValue:)), sessionID: session)
        do {
            return (try await keys.signer().sign(claims), expiresAt)
        } catch let error as IdentityError {
            throw error
        } catch let error as ServiceError {
            throw error
        } catch {
            throw IdentityError(.internalError, "cannot sign the access token", cause: error)
        }
    }

    /// The wire token pair.
    func pair(for account: AccountRecord, refresh: IssuedRefreshToken, scope: String? = nil) async throws
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
