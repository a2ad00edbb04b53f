import Foundation
import Logging
import Synchronization
import Testing
import TillitTesting

@testable import TillitServiceKit

/// Ended sessions answered by a test, with a switch for Identity being down.
final class SessionServer: RevokedSessionSource {
    private struct State {
        var ended: [(id: String, forgetAfter: Date)] = []
        var down = false
        var asked = 0
    }

    private let state = Mutex(State())

    func end(_ id: String, forgetAfter: Date) {
        state.withLock { $0.ended.append((id, forgetAfter)) }
    }

    func setDown(_ down: Bool) {
        state.withLock { $0.down = down }
    }

    var asked: Int { state.withLock { $0.asked } }

    func revokedSessions(after cursor: String) async throws -> RevokedSessionPage {
        try state.withLock { state in
            state.asked += 1
            if state.down { throw IdentityDown() }
            let from = Int(cursor) ?? 0
            // Two per page, so paging is exercised.
            let page = Array(state.ended.dropFirst(from).prefix(2))
            let next = from + page.count
            return RevokedSessionPage(
                sessions: page, nextCursor: String(next), more: next < state.ended.count)
        }
    }
}

@Suite(.timeLimit(.minutes(2))) struct RevokedSessionTests {
    let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
    let signer = makeSigner("key-1")

    func claims(session: String?, lifetime: TimeInterval = 900) -> AccessTokenClaims {
        var claims = makeClaims(issuedAt: clock.now(), lifetime: lifetime)
        claims.sessionID = session
        return claims
    }

    func code(_ body: () async throws -> some Any) async -> TokenError.Code? {
        do {
            _ = try await body()
            return nil
        } catch let error as TokenError {
            return error.code
        } catch {
            return nil
        }
    }

    /// A validly signed token living longer than 15 minutes is refused (and one of exactly 15
    /// minutes is not).
    @Test func aTokenLivingLongerThanFifteenMinutesIsRefused() async throws {
        let clock = clock
        let verifier = AccessTokenVerifier(
            source: KeyServer([signer.verificationKey(notAfter: clock.now().addingTimeInterval(86_400))])
                .source,
            now: { clock.now() })
        let long = try signer.sign(claims(session: nil, lifetime: 15 * 60 + 1))
        #expect(await code { try await verifier.verify(long) } == .lifetimeTooLong)
        let day = try signer.sign(claims(session: nil, lifetime: 86_400))
        #expect(await code { try await verifier.verify(day) } == .lifetimeTooLong)
        #expect(TokenError(code: .lifetimeTooLong, message: "").rpcError.code == .unauthenticated)
        let fifteen = try signer.sign(claims(session: nil, lifetime: 15 * 60))
        #expect(try await verifier.verify(fifteen).subject == "acct-1")
    }

    /// A token of an ended session is refused, also when the verifier has already cached it.
    @Test func aTokenOfAnEndedSessionIsRefusedEvenWhenCached() async throws {
        let clock = clock
        let sessions = RevokedSessions()
        let verifier = AccessTokenVerifier(
            source: KeyServer([signer.verificationKey(notAfter: clock.now().addingTimeInterval(86_400))])
                .source,
            revokedSessions: sessions, now: { clock.now() })
        let token = try signer.sign(claims(session: "session-a"))
        let other = try signer.sign(claims(session: "session-b"))
        _ = try await verifier.verify(token)
        #expect(verifier.cachedTokenCount == 1)
        sessions.apply(
            RevokedSessionPage(
                sessions: [("session-a", clock.now().addingTimeInterval(960))], nextCursor: "1"),
            now: clock.now())
        #expect(await code { try await verifier.verify(token) } == .revoked)
        #expect(TokenError(code: .revoked, message: "").rpcError.code == .unauthenticated)
        #expect(try await verifier.verify(other).subject == "acct-1")
        // Forgotten once no token of it can be valid: the list stays bounded.
        sessions.apply(
            RevokedSessionPage(sessions: [], nextCursor: "1"), now: clock.now().addingTimeInterval(961))
        #expect(sessions.count == 0)
    }

    /// The poller pages through Identity's answers, keeps the list when Identity is down and
    /// says it is stale after `staleAfter`.
    @Test func thePollerPagesKeepsTheListWhenIdentityIsDownAndReportsStaleness() async throws {
        let clock = clock
        let server = SessionServer()
        for index in 0..<5 { server.end("s\(index)", forgetAfter: clock.now().addingTimeInterval(960)) }
        let poller = RevokedSessionPoller(
            source: server, interval: .milliseconds(50), staleAfter: .milliseconds(300),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, now: { clock.now() })
        #expect(poller.problem?.contains("never updated") == true)
        await poller.pollOnce()
        #expect(poller.sessions.count == 5)
        #expect(poller.sessions.cursor == "5")
        #expect(poller.problem == nil)
        server.setDown(true)
        await poller.pollOnce()
        #expect(poller.sessions.count == 5, "the last list is kept")
        #expect(await eventually(timeout: .seconds(5)) { poller.problem != nil })
        #expect(poller.problem?.contains("stale") == true)
        #expect(poller.problem?.contains("cannot reach Identity") == true)
        server.setDown(false)
        server.end("s5", forgetAfter: clock.now().addingTimeInterval(960))
        await poller.pollOnce()
        #expect(poller.sessions.contains("s5"))
        #expect(poller.problem == nil)
    }

    /// Health answers `degraded` with the reason while a condition reports a problem.
    @Test func healthReportsConditions() async throws {
        let health = HealthService(services: [])
        let problem = ProblemBox()
        health.addCondition { problem.value.withLock { $0 } }
        #expect(health.problems().isEmpty)
        problem.value.withLock { $0 = "revoked-session list is stale" }
        #expect(health.problems() == ["revoked-session list is stale"])
    }
}

/// A problem a test switches on.
final class ProblemBox: Sendable {
    let value = Mutex<String?>(nil)
}
