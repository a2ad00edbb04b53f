import Foundation
import Testing
import TillitContracts
import TillitServiceKit
import TillitTesting

@testable import TillitIdentity

/// Identity's own input rules without a server: the contact policy's hours and crisis lines
/// (`Validation+ContactPolicy`, through `ContactPolicyInput`). The shared rules are in
/// Tests/TillitServiceKitTests/Validation/ValidationTests.swift. Every refusal is
/// INVALID_ARGUMENT with a message starting with the field's name.
@Suite(.timeLimit(.minutes(1)))
struct ValidationRulesTests {
    @Test func contactHoursAreOrderedNonOverlappingRangesWithinTheDay() throws {
        func policy(_ hours: [(Tillit_Identity_V1_Weekday, UInt32, UInt32)])
            -> Tillit_Identity_V1_ContactPolicy
        {
            var policy = Tillit_Identity_V1_ContactPolicy()
            policy.nightRule = .noContact
            policy.weekendRule = .emergencyOnly
            policy.hours = hours.map { day, start, end in
                Tillit_Identity_V1_ContactHours.with {
                    $0.weekday = day
                    $0.startMinute = start
                    $0.endMinute = end
                }
            }
            return policy
        }
        let input = try ContactPolicyInput(
            policy([(.tuesday, 600, 660), (.monday, 720, 1440), (.monday, 0, 720)]))
        #expect(
            input.hours == [
                .init(weekday: 1, start: 0, end: 720), .init(weekday: 1, start: 720, end: 1440),
                .init(weekday: 2, start: 600, end: 660),
            ])
        #expect(input.nightRule == "no_contact")
        #expect(input.weekendRule == "emergency_only")
        #expect(
            expectInvalidArgument(
                naming:
                    "policy.hours",
                { try ContactPolicyInput(policy([(.monday, 540, 720), (.monday, 700, 900)])) })?
                .message == "policy.hours: entries of weekday 1 overlap")
        // The same minutes on different days do not overlap.
        #expect(try ContactPolicyInput(policy([(.monday, 540, 720), (.friday, 540, 720)])).hours.count == 2)
        for (start, end) in [(600, 1441), (600, 600), (700, 600)] as [(UInt32, UInt32)] {
            #expect(
                expectInvalidArgument(
                    naming:
                        "policy.hours[1]",
                    { try ContactPolicyInput(policy([(.monday, 0, 60), (.monday, start, end)])) })?
                    .message == "policy.hours[1]: needs 0 ≤ start_minute < end_minute ≤ 1440",
                "\(start)–\(end)")
        }
        #expect(
            expectInvalidArgument(
                naming: "policy.hours[0].weekday", { try ContactPolicyInput(policy([(.unspecified, 0, 60)])) }
            )?
            .message
                == "policy.hours[0].weekday: a weekday is required")
        var noRule = policy([])
        noRule.nightRule = .unspecified
        #expect(expectInvalidArgument(naming: "policy.night_rule", { try ContactPolicyInput(noRule) }) != nil)
        var badLine = policy([])
        badLine.crisisLines = [
            .with {
                $0.name = "Linjen"; $0.phone = "ring oss"
            }
        ]
        #expect(
            expectInvalidArgument(
                naming: "policy.crisis_lines[0].phone", { try ContactPolicyInput(badLine) })?.message
                == "policy.crisis_lines[0].phone: may contain digits, spaces, + - ( ) only")
        badLine.crisisLines = [
            .with {
                $0.name = "Linjen"; $0.phone = "+46 (0)8-123"; $0.url = "ftp://x.se"
            }
        ]
        #expect(
            expectInvalidArgument(naming: "policy.crisis_lines[0].url", { try ContactPolicyInput(badLine) })?
                .message
                == "policy.crisis_lines[0].url: must be an http(s) address")
    }
}
