import Foundation
import TillitContracts

extension ContactPolicyInput {
    /// Validates a contact policy from a request: at most 100 non-overlapping hours entries,
    /// rules given, at most 20 crisis lines with plausible phone numbers and http(s) addresses.
    init(_ policy: Tillit_Identity_V1_ContactPolicy) throws {
        guard policy.hours.count <= 100 else {
            throw IdentityError.invalid("policy.hours", "at most 100 entries")
        }
        hours = try policy.hours.enumerated().map { index, entry in
            guard (1...7).contains(entry.weekday.rawValue) else {
                throw IdentityError.invalid("policy.hours[\(index)].weekday", "a weekday is required")
            }
            guard entry.startMinute < entry.endMinute, entry.endMinute <= 1440 else {
                throw IdentityError.invalid(
                    "policy.hours[\(index)]", "needs 0 ≤ start_minute < end_minute ≤ 1440")
            }
            return Hours(
                weekday: entry.weekday.rawValue, start: Int(entry.startMinute), end: Int(entry.endMinute))
        }
        let sorted = hours.sorted { ($0.weekday, $0.start) < ($1.weekday, $1.start) }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.weekday == next.weekday {
            guard previous.end <= next.start else {
                throw IdentityError.invalid("policy.hours", "entries of weekday \(next.weekday) overlap")
            }
        }
        hours = sorted
        nightRule = try WireMapping.rule(policy.nightRule, field: "policy.night_rule")
        weekendRule = try WireMapping.rule(policy.weekendRule, field: "policy.weekend_rule")
        emergencyInstructions = try Validation.text(
            policy.emergencyInstructions, field: "policy.emergency_instructions", max: 4000)
        guard policy.crisisLines.count <= 20 else {
            throw IdentityError.invalid("policy.crisis_lines", "at most 20")
        }
        crisisLines = try policy.crisisLines.enumerated().map { index, line in
            let field = "policy.crisis_lines[\(index)]"
            let phone = try Validation.text(line.phone, field: "\(field).phone", max: 50)
            guard phone.allSatisfy({ $0.isNumber || " +-()".contains($0) }) else {
                throw IdentityError.invalid("\(field).phone", "may contain digits, spaces, + - ( ) only")
            }
            let url = try Validation.text(line.url, field: "\(field).url", max: 2000)
            guard url.isEmpty || url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw IdentityError.invalid("\(field).url", "must be an http(s) address")
            }
            return Line(
                name: try Validation.name(line.name, field: "\(field).name"), phone: phone,
                hours: try Validation.text(line.hours, field: "\(field).hours", max: 200), url: url)
        }
    }
}
