import Foundation
import Logging
import TillitContracts

extension AccessTokenVerifier {
    /// What a service other than Identity needs to trust Identity's tokens: a verifier on
    /// Identity's published keys that refuses the sessions Identity has ended, and the poller
    /// keeping that list fresh (pass it to `ServiceHost(…revocations:)`, which runs it and
    /// reports a stale list in health).
    public static func trustingIdentity(
        _ identity: Tillit_Identity_V1_Identity.Client, pollInterval: Duration = .seconds(1),
        logger: Logger = Logger(label: "tillit.revocations"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> (verifier: AccessTokenVerifier, revocations: RevokedSessionPoller) {
        let sessions = RevokedSessions()
        let verifier = AccessTokenVerifier(
            source: IdentitySigningKeySource(client: identity), revokedSessions: sessions, now: now)
        let poller = RevokedSessionPoller(
            source: IdentityRevokedSessionSource(client: identity), sessions: sessions,
            interval: pollInterval, logger: logger, now: now)
        return (verifier, poller)
    }
}
