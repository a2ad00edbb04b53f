import Foundation
import TillitContracts
import TillitServiceKit

/// Signing in, from checked credentials to a token pair: throttling, the password (hashed on the
/// hasher's threads; unknown accounts burn the same time), the TOTP code, upgrading an outdated
/// password hash, and the new session's tokens. Every failure is the one answer
/// `ServiceError.loginFailed` (or `throttled` while locked). Also service sign-in with a secret.
struct LoginFlow: Sendable {
    /// Where throttles, accounts, secrets and sessions are stored.
    let store: IdentityStore
    /// Throttle policy and session lifetime.
    let configuration: IdentityConfiguration
    /// Verifies and re-hashes passwords.
    let hasher: PasswordHasher
    /// Signs access tokens.
    let issuer: TokenIssuer
    /// Opens sealed TOTP secrets.
    let secrets: SecretBox

    /// A signed-in account and its new session's tokens.
    struct SignedIn {
        /// The account, as it was when it signed in.
        var account: AccountRecord
        /// The access and refresh tokens.
        var tokens: Tillit_Identity_V1_TokenPair
        /// Whether the access token is limited to TOTP enrolment.
        var totpEnrolmentRequired: Bool
    }

    /// Signs `email` in at `organization` with `password` (NFC-normalised by the hasher) and, if
    /// the account has TOTP, `totpCode`; `address` is the source address throttled beside the
    /// account.
    func login(
        organization: String, email: String, password: String, totpCode: String, address: String,
        requestID: String
    ) async throws -> SignedIn {
        let throttle = LoginThrottle(organization: organization, email: email, address: address)
        let policy = configuration.throttle
        let at = store.nowMillis
        // Counted before hashing, in one transaction: concurrent guesses cannot all pass one check.
        let candidate = try await store.reserveLogin(
            organization: organization, email: email, throttle: throttle, policy: policy, at: at)
        guard let reservation = candidate.reservation else { throw ServiceError.throttled }
        var passwordOK = false
        do {
            if let stored = candidate.password, let account = candidate.account, account.isActive {
                passwordOK = try await hasher.verify(password, against: stored, source: throttle.source)
            } else {
                try await hasher.dummyVerify(password, source: throttle.source)
            }
        } catch {
            // The check never ran (overloaded, shut down): it does not count.
            try? await store.releaseUnusedReservation(reservation, policy: policy)
            throw error
        }
        var usedTotp: (secret: Int64, step: Int64)?
        if passwordOK, let account = candidate.account, account.totpEnabled,
            let secret = try await store.confirmedTotp(of: account.id)
        {
            let plain = try secrets.open(
                secret.ciphertext, keyVersion: secret.keyVersion, context: account.id)
            if let step = TOTP(secret: Array(plain)).match(
                totpCode, at: store.now(), after: secret.lastUsedStep)
            {
                usedTotp = (secret.id, step)
            }
        }
        let totpOK = !(candidate.account?.totpEnabled ?? false) || usedTotp != nil
        guard passwordOK, totpOK, let account = candidate.account, let stored = candidate.password else {
            try await store.recordFailedLogin(
                organization: organization, account: candidate.account?.id,
                reason: !passwordOK ? "password" : "totp", reservation: reservation, policy: policy,
                at: store.nowMillis, requestID: requestID)
            throw ServiceError.loginFailed
        }
        let rehashed = hasher.needsRehash(stored) ? try? await hasher.hash(password) : nil
        let scope = Self.scope(for: account)
        let refresh = try await store.startSession(
            for: account, usedTotp: usedTotp, rehashed: rehashed, reservation: reservation, policy: policy,
            lifetime: configuration.refreshTokenLifetime, at: at, requestID: requestID)
        return SignedIn(
            account: account, tokens: try await issuer.pair(for: account, refresh: refresh, scope: scope),
            totpEnrolmentRequired: scope != nil)
    }

    /// Signs service account `account` of `organization` in with its `secret`; `address` is
    /// throttled.
    func loginService(
        organization: String, account: String, secret: String, address: String, requestID: String
    )
        async throws -> Tillit_Identity_V1_TokenPair
    {
        guard
            let (record, refresh) = try await store.startServiceSession(
                organization: organization, account: account, secret: secret, address: address,
                policy: configuration.throttle, lifetime: configuration.refreshTokenLifetime,
                requestID: requestID)
        else { throw ServiceError.loginFailed }
        return try await issuer.pair(for: record, refresh: refresh)
    }

    /// The scope of a new access token for `account`: `totp_enrolment` for an account that
    /// must have TOTP (an admin or supervisor, or any staff account of a practice that requires
    /// TOTP for all staff) and has not enrolled it yet, else none.
    static func scope(for account: AccountRecord) -> Scope? {
        guard !account.totpEnabled else { return nil }
        let required =
            Role.requireTotp(account.roles) || (account.isStaff && account.organizationRequiresStaffTotp)
        return required ? .totpEnrolment : nil
    }
}
