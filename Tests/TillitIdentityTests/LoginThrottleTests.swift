import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

@testable import TillitIdentity

/// Login throttling (issue 9): attempts are reserved before hashing, sources are IPv4
/// addresses or IPv6 /64s, locks are per (account, source) with a slower account-wide rate,
/// and throttle and audit rows of unknown accounts stay bounded.
@Suite(.timeLimit(.minutes(10)))
struct LoginThrottleTests {
    static let policy = ThrottlePolicy()
    static let organization = TestDatabase.organization

    /// Runs `body` with a store over a fresh fixture database and a test clock.
    static func withStore<T: Sendable>(_ body: (IdentityStore, TestClock) async throws -> T) async throws
        -> T
    {
        try await withTemporaryDirectory { directory in
            let database = try await onOwnThread {
                let database = try TestDatabase.open(in: directory)
                try TestDatabase(directory: directory, database: database).insertFixtures()
                return database
            }
            let clock = TestClock()
            do {
                let result = try await body(IdentityStore(
                        database: database, audit: AuditTrail(keys: TestDatabase.auditKeys), now: { clock.now() },
                        revokedSessions: RevokedSessions()), clock)
                try await onOwnThread { try database.close() }
                return result
            } catch {
                try? await onOwnThread { try database.close() }
                throw error
            }
        }
    }

    /// One password check of `email` from `address` that fails after its reservation; false
    /// when the reservation was refused (throttled).
    @discardableResult
    static func fail(_ store: IdentityStore, _ email: String, from address: String) async throws -> Bool {
        let throttle = LoginThrottle(organization: organization, email: email, address: address)
        let at = store.nowMillis
        let candidate = try await store.reserveLogin(
            organization: organization, email: email, throttle: throttle, policy: policy, at: at)
        guard let reservation = candidate.reservation else { return false }
        try await store.recordFailedLogin(
            organization: organization, account: candidate.account?.id, reason: "password",
            reservation: reservation, policy: policy, at: at, requestID: "")
        return true
    }

    /// A reservation of `email` from `address` that then succeeds; false when refused.
    @discardableResult
    static func succeed(_ store: IdentityStore, _ email: String, from address: String) async throws -> Bool {
        let throttle = LoginThrottle(organization: organization, email: email, address: address)
        let at = store.nowMillis
        let candidate = try await store.reserveLogin(
            organization: organization, email: email, throttle: throttle, policy: policy, at: at)
        guard let reservation = candidate.reservation else { return false }
        try await store.write { db in
            try store.releaseReservation(db, reservation, trust: true, policy: policy, at: at)
        }
        return true
    }

    // MARK: - Over the wire

    /// The attack: 66 concurrent wrong guesses from one source all passed the one lock check
    /// before any failure was counted. Now each is counted before hashing: at most
    /// `pairFailures` are checked, the rest refused unhashed.
    @Test func concurrentGuessesFromOneSourceAreCountedBeforeHashing() async throws {
        try await withIdentity { harness in
            let boot = try await harness.bootstrap()
            let organization = boot.organization.id.value
            let (admin, _) = try await harness.signIn(organization: organization, email: "admin@stigen.se")
            let adminOptions = IdentityHarness.auth(admin.tokens.accessToken)
            let before = try await harness.auditEvents("login", admin: adminOptions)
                .filter { $0.outcome == .failure }.count

            let codes = await withTaskGroup(of: StatusCode?.self) { group in
                for attempt in 0..<66 {
                    group.addTask {
                        do {
                            _ = try await harness.login(
                                organization, "admin@stigen.se", password: "wrong guess \(attempt)")
                            return nil
                        } catch let error as RPCError {
                            return error.code
                        } catch {
                            return .unknown
                        }
                    }
                }
                return await group.reduce(into: [StatusCode?]()) { $0.append($1) }
            }
            let checked = codes.filter { $0 == .unauthenticated }.count
            let refused = codes.filter { $0 == .resourceExhausted }.count
            #expect(checked <= ThrottlePolicy().pairFailures)
            #expect(checked >= 1)
            #expect(checked + refused == 66)
            let failures = try await harness.auditEvents("login", admin: adminOptions)
                .filter { $0.outcome == .failure }.count
            #expect(failures - before == checked, "only checked guesses are audited")
        }
    }

    // MARK: - Keys

    @Test func ipv6SourcesAreBucketedPerSlash64() {
        #expect(SourceBucket.key("2001:db8:1:2::1") == SourceBucket.key("2001:0db8:0001:0002:ffff:1:2:3"))
        #expect(SourceBucket.key("2001:db8:1:2::1") != SourceBucket.key("2001:db8:1:3::1"))
        #expect(SourceBucket.key("2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(SourceBucket.key("fe80::1%eth0") == "fe80:0:0:0::/64")
        #expect(SourceBucket.key("192.0.2.7") == "192.0.2.7")
        #expect(SourceBucket.key("192.0.2.7") != SourceBucket.key("192.0.2.8"))
        #expect(SourceBucket.key("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(SourceBucket.key("not an address") == "other:not an address")
    }

    @Test func addressesInOneSlash64ShareABucketAndOtherSlash64sDoNot() async throws {
        try await Self.withStore { (store, _) async throws in
            let email = "terapeut@example.se"
            // Five failures spread over five addresses of one /64 lock that /64's pair …
            for host in 1...5 {
                #expect(try await Self.fail(store, email, from: "2001:db8:1:2::\(host)"))
            }
            #expect(try await !Self.fail(store, email, from: "2001:db8:1:2:abcd::9"), "same /64")
            // … and not the neighbouring /64.
            #expect(try await Self.succeed(store, email, from: "2001:db8:1:3::1"))
            // IPv4 is per address.
            for _ in 1...5 { try await Self.fail(store, email, from: "192.0.2.1") }
            #expect(try await !Self.fail(store, email, from: "192.0.2.1"))
            #expect(try await Self.succeed(store, email, from: "192.0.2.2"))
        }
    }

    // MARK: - Strangers cannot lock the user out

    @Test func aStrangersGuessesDoNotLockTheUsersSource() async throws {
        try await Self.withStore { (store, clock) async throws in
            let email = "terapeut@example.se"
            let user = "198.51.100.10"
            #expect(try await Self.succeed(store, email, from: user))
            // The stranger locks only their own pair …
            for _ in 1...5 { #expect(try await Self.fail(store, email, from: "203.0.113.1")) }
            #expect(try await !Self.fail(store, email, from: "203.0.113.1"))
            // … then spreads guesses over sources until the account-wide rate is reached.
            var sources = 1
            var guesses = 5
            while guesses < Self.policy.accountFailures {
                sources += 1
                for _ in 0..<min(4, Self.policy.accountFailures - guesses) {
                    #expect(try await Self.fail(store, email, from: "203.0.113.\(sources)"))
                    guesses += 1
                }
            }
            #expect(try await !Self.fail(store, email, from: "203.0.113.200"), "the account-wide rate")
            // The user still signs in from their usual source, several times.
            for _ in 1...3 { #expect(try await Self.succeed(store, email, from: user)) }
            // And a new source of theirs waits for the window only (15 minutes), not an hour.
            #expect(try await !Self.succeed(store, email, from: "198.51.100.99"))
            clock.advance(seconds: 15 * 60 + 1)
            #expect(try await Self.succeed(store, email, from: "198.51.100.99"))
        }
    }

    // MARK: - Bounded rows

    @Test func throttleRowsOfManyUnknownAccountsArePruned() async throws {
        try await Self.withStore { (store, clock) async throws in
            for index in 0..<300 {
                #expect(
                    try await Self.fail(
                        store, "unknown\(index)@example.se", from: "198.18.\(index / 250).\(index % 250)"))
            }
            let grown = try await store.limitRowCount()
            #expect(grown >= 900, "a source, pair and account row per attempt")
            // Once their window and lock history are over, later logins prune them.
            clock.advance(seconds: 15 * 60 + 3600 + 1)
            for index in 0..<20 {
                try await Self.fail(store, "late\(index)@example.se", from: "198.19.0.\(index)")
            }
            let pruned = try await store.limitRowCount()
            #expect(pruned <= 60 + 1, "only the 20 recent attempts' rows (and the audit counter) are left")
        }
    }

    @Test func failedLoginsOfUnknownAccountsAreAuditedUpToACapPerHour() async throws {
        try await Self.withStore { (store, clock) async throws in
            let cap = Self.policy.unknownAccountAuditsPerHour
            for index in 0..<(cap * 5) {
                try await Self.fail(store, "nobody\(index)@example.se", from: "198.18.1.\(index)")
            }
            let audited = try await Self.unknownAccountAudits(store)
            #expect(audited == cap)
            // The next hour's first failure sums up the uncounted ones in one event.
            clock.advance(seconds: 3601)
            try await Self.fail(store, "nobody-late@example.se", from: "198.18.2.1")
            let after = try await store.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT detail FROM audit_events WHERE organization_id = ? AND action = 'login'
                            AND outcome = 'failure' ORDER BY seq
                        """,
                    arguments: [Self.organization])
            }
            #expect(after.count == cap + 2)
            #expect(after.contains { $0.hasPrefix("\(cap * 4) further failed logins of unknown accounts") })
        }
    }

    static func unknownAccountAudits(_ store: IdentityStore) async throws -> Int {
        try await store.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM audit_events WHERE organization_id = ? AND action = 'login'
                        AND outcome = 'failure' AND detail = 'unknown account'
                    """,
                arguments: [organization]) ?? 0
        }
    }
}
