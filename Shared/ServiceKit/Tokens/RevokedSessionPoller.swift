import Foundation
import Logging
import ServiceLifecycle

/// Keeps a `RevokedSessions` list up to date from Identity: asks for the sessions ended since
/// its cursor every `interval` (at once again while Identity says there are more), until
/// graceful shutdown. When Identity cannot be reached the list is kept as it was, and `problem`
/// says so once the last good update is older than `staleAfter` (the host's health reports it).
/// `now` is the token clock (for forgetting old entries); staleness is measured on the
/// monotonic clock.
///
/// With the default 1 s interval a revocation reaches every verifier within about 1 s plus one
/// call, well inside the 5 s rule (docs/security.md).
public struct RevokedSessionPoller: Service {
    /// The list it fills (give the same to the `AccessTokenVerifier`).
    public let sessions: RevokedSessions
    private let source: any RevokedSessionSource
    private let interval: Duration
    private let staleAfter: Duration
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// A poller filling `sessions` from `source`.
    public init(
        source: any RevokedSessionSource, sessions: RevokedSessions = RevokedSessions(),
        interval: Duration = .seconds(1), staleAfter: Duration = .seconds(5),
        logger: Logger = Logger(label: "tillit.revocations"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.sessions = sessions
        self.interval = interval
        self.staleAfter = staleAfter
        self.logger = logger
        self.now = now
    }

    /// Polls until graceful shutdown or cancellation.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.pollOnce()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// Asks Identity until it has nothing more (at most 100 pages at once); failures are
    /// recorded, never thrown.
    public func pollOnce() async {
        for _ in 0..<100 {
            do {
                let page = try await source.revokedSessions(after: sessions.cursor)
                sessions.apply(page, now: now())
                if !page.more { return }
            } catch {
                let reason = "cannot reach Identity for revoked sessions: \(Self.summary(error))"
                if sessions.recordFailure(reason) {
                    logger.warning("revoked-session list not updated", metadata: ["error": "\(error)"])
                }
                return
            }
        }
    }

    /// Why the host is degraded, or nil while the list is fresh.
    public var problem: String? {
        switch sessions.freshness(staleAfter: staleAfter) {
        case .local, .updated: return nil
        case .stale(let age, let reason):
            let when = age.map { "last updated \($0.components.seconds) s ago" } ?? "never updated"
            return
                "revoked-session list is stale (\(when); \(reason)); sessions ended since are still accepted"
        }
    }

    private static func summary(_ error: any Error) -> String {
        String(String(describing: error).prefix(200))
    }
}
