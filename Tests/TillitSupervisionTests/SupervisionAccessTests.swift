import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitSupervision
import TillitTesting

/// docs/supervision.md's authorisation matrix: the gate (every method × every kind of caller,
/// from `SupervisionAccessPolicy`), then the finer cells of each group for the supervisee, their
/// supervisor, another supervisor, an admin and another practice. Clients and service accounts
/// reach nothing (the gate cells). The hours, incident, consultation and queue suites try their
/// own cells beside their flows.
@Suite(.timeLimit(.minutes(5)))
struct SupervisionAccessTests {
    typealias H = SupervisionHarness

    @Test func theTableCoversEveryMethodAndNoneIsPublic() throws {
        let methods = Tillit_Supervision_V1_Supervision.Method.all
        try SupervisionAccessPolicy.policy.check(
            methods: methods, publicPaths: Tillit_Supervision_V1_Supervision.Method.publicPaths)
        #expect(SupervisionAccessPolicy.policy.rules.count == methods.count)
        #expect(SupervisionAccessPolicy.policy.publicPaths.isEmpty)
        // Staff only: no method is open to a client or a service account.
        for method in methods {
            let rule = try #require(SupervisionAccessPolicy.policy.rule(for: method.path))
            #expect(rule.kinds == [.staff], "\(method.method)")
        }
    }

    @Test func everyCallerOfEveryMethodGetsWhatTheRuleSays() async throws {
        try await withSupervision { harness in
            let cells = try await expectGateMatchesPolicy(
                SupervisionAccessPolicy.policy, methods: Tillit_Supervision_V1_Supervision.Method.all,
                rpc: harness.supervisionRPC, options: harness.options)
            #expect(cells == Tillit_Supervision_V1_Supervision.Method.all.count * Practice.Role.allCases.count)
        }
    }

    @Test func relationshipsAreStartedByAnAdminOrTheSupervisorAndMatchIdentityForThePreLicensed()
        async throws
    {
        try await withSupervision { harness in
            let admin = harness.options(.admin)
            func create(
                supervisor: String, supervisee: String, mode: Tillit_Supervision_V1_CosignatureMode = .review,
                as options: CallOptions
            ) async throws -> Tillit_Supervision_V1_Relationship {
                try await harness.supervision.createRelationship(
                    .with {
                        $0.supervisorID.value = supervisor
                        $0.superviseeID.value = supervisee
                        $0.startsOn = H.date(2026, 3, 1)
                        $0.mode = mode
                        $0.agreementApprovedOn = H.date(2026, 3, 1)
                    }, options: options)
                    .relationship
            }
            let other = harness.otherSupervisor.id
            // The other supervisor takes on the (licensed) colleague for themself.
            let colleagues = try await create(supervisor: other, supervisee: harness.colleague.id, as: harness.asOtherSupervisor)
            #expect(colleagues.mode == .review)
            await expectCode(.alreadyExists, "the same pair again") {
                try await create(supervisor: other, supervisee: harness.colleague.id, as: admin)
            }
            await expectCode(.permissionDenied, "a supervisor starting one for another supervisor") {
                try await create(supervisor: harness.id(.supervisor), supervisee: harness.colleague.id, as: harness.asOtherSupervisor)
            }
            await expectCode(.failedPrecondition, "Identity names another supervisor for the trainee") {
                try await create(supervisor: other, supervisee: harness.trainee.id, mode: .cosignAll, as: admin)
            }
            await expectCode(.invalidArgument, "a pre-licensed supervisee without co-signature") {
                try await create(supervisor: harness.id(.supervisor), supervisee: harness.trainee.id, mode: .review, as: admin)
            }
            await expectCode(.failedPrecondition, "a supervisor without the supervisor role") {
                try await create(supervisor: harness.id(.practitioner), supervisee: harness.colleague.id, as: admin)
            }
            await expectCode(.notFound, "a client as supervisee") {
                try await create(supervisor: other, supervisee: harness.id(.client), as: admin)
            }
            await expectCode(.notFound, "another practice's admin naming our staff") {
                try await create(supervisor: other, supervisee: harness.colleague.id, as: harness.options(.otherAdmin))
            }
            await expectCode(.invalidArgument, "oneself") {
                try await create(supervisor: other, supervisee: other, as: admin)
            }

            // Who sees which: each party theirs, an admin all, another practice none.
            func listed(_ options: CallOptions) async throws -> Set<String> {
                Set(try await harness.supervision.listRelationships(.init(), options: options).relationships.map(\.id))
            }
            #expect(try await listed(admin) == [harness.relationship.id, colleagues.id])
            #expect(try await listed(harness.asTrainee) == [harness.relationship.id])
            #expect(try await listed(harness.options(.supervisor)) == [harness.relationship.id])
            #expect(try await listed(harness.asOtherSupervisor) == [colleagues.id])
            #expect(try await listed(harness.options(.practitioner)).isEmpty)
            #expect(try await listed(harness.options(.otherAdmin)).isEmpty)

            // Ended by its supervisor or an admin; to anyone else it does not exist.
            func end(_ id: String, as options: CallOptions) async throws -> Tillit_Supervision_V1_Relationship {
                try await harness.supervision.endRelationship(
                    .with {
                        $0.relationshipID = id
                        $0.endsOn = H.date(2026, 3, 20)
                    }, options: options
                ).relationship
            }
            await expectCode(.notFound, "another supervisor ending it") {
                try await end(harness.relationship.id, as: harness.asOtherSupervisor)
            }
            await expectCode(.notFound, "another practice's admin ending it") {
                try await end(harness.relationship.id, as: harness.options(.otherAdmin))
            }
            let ended = try await end(colleagues.id, as: harness.asOtherSupervisor)
            #expect(ended.endsOn == H.date(2026, 3, 20))
            await expectCode(.failedPrecondition, "ending it twice") { try await end(colleagues.id, as: admin) }
            #expect(try await listed(harness.asOtherSupervisor).isEmpty)
            #expect(
                Set(
                    try await harness.supervision.listRelationships(
                        .with { $0.includeEnded = true }, options: harness.asOtherSupervisor
                    ).relationships.map(\.id)) == [colleagues.id])
        }
    }

    @Test func anotherPracticeReachesNothingOfThisOneThroughAnyGroup() async throws {
        try await withSupervision { harness in
            _ = try await harness.logIncident(.gift, on: H.date(2026, 3, 2), as: harness.asTrainee)
            let session = try await harness.logSession(H.date(2026, 3, 2), as: harness.asTrainee)
            let foreign = harness.options(.otherAdmin)
            #expect(try await harness.supervision.listCategories(.init(), options: foreign).categories.isEmpty)
            await expectCode(.notFound, "another practice's admin reading the trainee's hours") {
                try await harness.supervision.hoursReport(
                    .with {
                        $0.superviseeID.value = harness.trainee.id
                        $0.period = .month
                        $0.from = H.date(2026, 3, 1)
                        $0.to = H.date(2026, 3, 31)
                    }, options: foreign)
            }
            let events = try await harness.supervision.listAuditEvents(.init(), options: foreign).events
            #expect(!events.contains { $0.subject.value == session.id || $0.subject.value == harness.trainee.id })
            // The chain of this practice verifies, and an admin reads its events.
            let verified = try await harness.supervision.verifyAuditChain(.init(), options: harness.options(.admin))
            #expect(verified.intact)
            let ours = try await harness.supervision.listAuditEvents(.init(), options: harness.options(.admin)).events
            #expect(ours.contains { $0.action == "supervision.session.log" })
            #expect(ours.contains { $0.action == "supervision.relationship.create" })
        }
    }
}
