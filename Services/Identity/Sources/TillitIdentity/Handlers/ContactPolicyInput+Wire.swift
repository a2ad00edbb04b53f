import Foundation
import TillitContracts
import TillitServiceKit

extension ContactPolicyInput {
    /// Validates a contact policy from a request: at most 100 non-overlapping hours entries,
    /// rules given, at most 20 crisis lines with plausible phone numbers and http(s) addresses.
    init(_ policy: Tillit_Identity_V1_ContactPolicy) throws {
        hours = try Validation.contactHours(
            policy.hours.map {
                Hours(weekday: $0.weekday.rawValue, start: Int($0.startMinute), end: Int($0.endMinute))
            })
        nightRule = try WireMapping.rule(policy.nightRule, field: "policy.night_rule")
        weekendRule = try WireMapping.rule(policy.weekendRule, field: "policy.weekend_rule")
        emergencyInstructions = try Validation.text(
            policy.emergencyInstructions, field: "policy.emergency_instructions", max: 4000)
        guard policy.crisisLines.count <= 20 else {
            throw ServiceError.invalid("policy.crisis_lines", "at most 20")
        }
        crisisLines = try policy.crisisLines.enumerated().map { index, line in
            let field = "policy.crisis_lines[\(index)]"
            let phone = try Validation.phone(line.phone, field: "\(field).phone")
            let url = try Validation.webAddress(line.url, field: "\(field).url")
            return Line(
                name: try Validation.name(line.name, field: "\(field).name"), phone: phone,
                hours: try Validation.text(line.hours, field: "\(field).hours", max: 200), url: url)
        }
    }
}
