import Foundation
import Logging
import TillitContracts
import TillitRPC

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

    /// What a service other than Identity runs: a verifier on Identity's keys and ended
    /// sessions, both fetched over mutual TLS that requires Identity's certificate (the service
    /// presents its own and names itself in `x-calling-service`), and the poller refreshing the
    /// ended sessions every `configuration.revocationPollInterval`. Close `rpc` after the host
    /// stops.
    ///
    /// - Throws: `ConfigurationError` when the TLS files cannot be used.
    public static func trustingIdentity(
        configuration: ServiceConfiguration, logger: Logger = Logger(label: "tillit.revocations"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> (verifier: AccessTokenVerifier, revocations: RevokedSessionPoller, rpc: RPCClient) {
        let (keys, rpc) = try IdentitySigningKeySource.connecting(configuration: configuration)
        var metadata = Metadata()
        metadata.add(Caller.callingServiceKey, configuration.service.rawValue)
        let sessions = RevokedSessions()
        let verifier = AccessTokenVerifier(source: keys, revokedSessions: sessions, now: now)
        let poller = RevokedSessionPoller(
            source: IdentityRevokedSessionSource(
                client: Tillit_Identity_V1_Identity.Client(rpc),
                callOptions: CallOptions(metadata: metadata, timeout: .seconds(2))),
            sessions: sessions, interval: configuration.revocationPollInterval, logger: logger, now: now)
        return (verifier, poller, rpc)
    }
}

