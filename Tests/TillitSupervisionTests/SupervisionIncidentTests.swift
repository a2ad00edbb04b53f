import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitSupervision
import TillitTesting

/// Boundary incidents: the pattern rule (default three of one category in 30 days) flags the
/// supervisee for their supervisor, who clears it in a session; an admin sees counts, never
/// texts; an out-of-hours contact is logged straight from Booking's contact window.
@Suite(.timeLimit(.minutes(5)))
struct SupervisionIncidentTests {
    typealias H = SupervisionHarness

    @Test func theRuleCountsOneCategoryInAWindowOfThirtyDaysHoldingTheIncident() {
        let rule = PatternRule.standard
        // Days 1, 15 and 30 are in one 30-day window; 1, 2 and 31 are not.
        #expect(rule.largestCount(in: [1, 15, 30], around: 30) == 3)
        #expect(rule.largestCount(in: [1, 2, 31], around: 31) == 2)
        // A back-dated incident completes a pattern with later ones.
        #expect(rule.largestCount(in: [10, 20, 25], around: 10) == 3)
        #expect(rule.largestCount(in: [], around: 10) == 0)
    }

    @Test func twoIncidentsDoNotFlagTheThirdInThirtyDaysDoesAndCategoriesAreNeverMixed() async throws {
        try await withSupervision { harness in
            let trainee = harness.asTrainee
            let supervisor = harness.options(.supervisor)
            // Two gifts and a social invitation in a week: no flag.
            #expect(!(try await harness.logIncident(.gift, on: H.date(2026, 2, 1), as: trainee)).hasFlag)
            #expect(!(try await harness.logIncident(.gift, on: H.date(2026, 2, 3), as: supervisor)).hasFlag)
            #expect(!(try await harness.logIncident(.socialInvitation, on: H.date(2026, 2, 4), as: trainee)).hasFlag)
            // Out-of-hours contacts on days 1, 2 and 31 of a span: never three in 30 days.
            for date in [H.date(2026, 1, 16), H.date(2026, 1, 17), H.date(2026, 2, 15)] {
                #expect(!(try await harness.logIncident(.outOfHoursContact, on: date, as: trainee)).hasFlag)
            }
            #expect(try await harness.supervision.listFlags(.init(), options: supervisor).flags.isEmpty)
            // Day 30 of the span from 17 January: the third in 30 days, flagged.
            let third = try await harness.logIncident(.outOfHoursContact, on: H.date(2026, 2, 15), as: trainee)
            #expect(third.hasFlag)
            #expect(third.flag.category == .outOfHoursContact)
            #expect(third.flag.incidents == 3)
            // A fourth while the flag is open raises no second flag.
            #expect(!(try await harness.logIncident(.outOfHoursContact, on: H.date(2026, 2, 16), as: trainee)).hasFlag)
            let flags = try await harness.supervision.listFlags(.init(), options: supervisor).flags
            #expect(flags.map(\.id) == [third.flag.id])
            #expect(try await harness.supervision.listFlags(.init(), options: harness.asOtherSupervisor).flags.isEmpty)

            // Cleared in a supervision session of the trainee.
            let session = try await harness.logSession(H.date(2026, 2, 20), as: supervisor)
            await expectCode(.notFound, "another supervisor clearing") {
                try await harness.supervision.clearFlag(
                    .with {
                        $0.flagID = third.flag.id
                        $0.sessionID = session.id
                    }, options: harness.asOtherSupervisor)
            }
            let cleared = try await harness.supervision.clearFlag(
                .with {
                    $0.flagID = third.flag.id
                    $0.sessionID = session.id
                }, options: supervisor
            ).flag
            #expect(cleared.hasClearedAt && cleared.clearedInSession == session.id)
            await expectCode(.failedPrecondition, "clearing twice") {
                try await harness.supervision.clearFlag(
                    .with {
                        $0.flagID = third.flag.id
                        $0.sessionID = session.id
                    }, options: supervisor)
            }
            #expect(try await harness.supervision.listFlags(.init(), options: supervisor).flags.isEmpty)
            #expect(try await harness.supervision.listFlags(.with { $0.includeCleared = true }, options: supervisor).flags.count == 1)
            // The pattern goes on: the next one flags again.
            #expect(try await harness.logIncident(.outOfHoursContact, on: H.date(2026, 2, 21), as: trainee).hasFlag)

            // A stricter rule of the practice: two gifts in 30 days now flag.
            _ = try await harness.supervision.setPatternRule(
                .with {
                    $0.threshold = 2
                    $0.windowDays = 30
                }, options: harness.options(.admin))
            #expect(try await harness.logIncident(.gift, on: H.date(2026, 2, 25), as: trainee).hasFlag)
            await expectCode(.invalidArgument, "a threshold of 1") {
                try await harness.supervision.setPatternRule(
                    .with {
                        $0.threshold = 1
                        $0.windowDays = 30
                    }, options: harness.options(.admin))
            }
        }
    }

    @Test func anAdminSeesCountsPerCategoryAndNeverATextAnywhere() async throws {
        try await withSupervision { harness in
            let secret = "Klienten gav mig en tavla hen målat"
            _ = try await harness.logIncident(.gift, on: H.date(2026, 3, 2), text: secret, as: harness.asTrainee)
            _ = try await harness.logIncident(.gift, on: H.date(2026, 3, 3), as: harness.asTrainee)
            _ = try await harness.logIncident(.selfDisclosure, on: H.date(2026, 3, 4), as: harness.asTrainee)
            let admin = harness.options(.admin)
            let counts = try await harness.supervision.incidentCounts(
                .with {
                    $0.from = H.date(2026, 3, 1)
                    $0.to = H.date(2026, 3, 31)
                }, options: admin
            ).counts
            #expect(counts.count == IncidentCategory.allCases.count)
            #expect(counts.first { $0.category == .gift }?.incidents == 2)
            #expect(counts.first { $0.category == .selfDisclosure }?.incidents == 1)
            #expect(counts.first { $0.category == .dualRelationship }?.incidents == 0)
            await expectCode(.permissionDenied, "an admin listing incidents") {
                try await harness.supervision.listIncidents(
                    .with { $0.superviseeID.value = harness.trainee.id }, options: admin)
            }
            // Not in Supervision's audit trail either.
            let events = try await harness.supervision.listAuditEvents(.init(), options: admin).events
            #expect(!events.isEmpty)
            #expect(!events.contains { "\($0)".contains("tavla") })
            // Another practice counts nothing of it.
            let foreign = try await harness.supervision.incidentCounts(
                .with {
                    $0.from = H.date(2026, 3, 1)
                    $0.to = H.date(2026, 3, 31)
                }, options: harness.options(.otherAdmin)
            ).counts
            #expect(foreign.allSatisfy { $0.incidents == 0 })
            // The trainee and their supervisor read the text; another supervisor may not.
            let own = try await harness.supervision.listIncidents(.init(), options: harness.asTrainee).incidents
            #expect(own.map(\.text).contains(secret))
            let supervised = try await harness.supervision.listIncidents(
                .with { $0.superviseeID.value = harness.trainee.id }, options: harness.options(.supervisor)
            ).incidents
            #expect(supervised.count == 3)
            await expectCode(.permissionDenied, "another supervisor listing the trainee's incidents") {
                try await harness.supervision.listIncidents(
                    .with { $0.superviseeID.value = harness.trainee.id }, options: harness.asOtherSupervisor)
            }
        }
    }

    @Test func anOutOfHoursContactIsLoggedFromTheContactWindowAndRefusedWithinIt() async throws {
        try await withSupervision { harness in
            _ = try await harness.identity.setContactPolicy(
                .with {
                    $0.policy.hours = [1, 2, 3, 4, 5].map { day in
                        .with {
                            $0.weekday = Tillit_Identity_V1_Weekday(rawValue: day)!
                            $0.startMinute = 8 * 60
                            $0.endMinute = 17 * 60
                        }
                    }
                    $0.policy.nightRule = .emergencyOnly
                    $0.policy.weekendRule = .noContact
                    $0.policy.emergencyInstructions = "Ring 112."
                }, options: harness.options(.admin))
            func log(_ at: String) async throws -> Tillit_Supervision_V1_LogOutOfHoursContactResponse {
                try await harness.supervision.logOutOfHoursContact(
                    .with {
                        $0.at = Tillit_Common_V1_Timestamp(millis: Int64(instant(at).timeIntervalSince1970 * 1000))
                        $0.text = "SMS från klient"
                    }, options: harness.asTrainee)
            }
            // Sunday 22 March 23:30 in Stockholm (CET): outside; the date is the local one.
            let night = try await log("2026-03-22T22:30:00Z")
            #expect(night.incident.category == .outOfHoursContact)
            #expect(night.incident.date == H.date(2026, 3, 22))
            #expect(night.incident.superviseeID.value == harness.trainee.id)
            // Friday 20 March 10:00: within the agreed hours, nothing to log.
            await expectCode(.failedPrecondition, "a contact within the window") { try await log("2026-03-20T09:00:00Z") }
            await expectCode(.invalidArgument, "a contact tomorrow") { try await log("2026-03-24T22:30:00Z") }
            #expect(try harness.rows("incidents") == 1)
        }
    }
}
