import Foundation
import GRDB
import TillitContracts

/// A validated contact policy.
struct ContactPolicyInput: Sendable {
    struct Hours: Sendable {
        var weekday: Int
        var start: Int
        var end: Int
    }

    struct Line: Sendable {
        var name: String
        var phone: String
        var hours: String
        var url: String
    }

    var hours: [Hours]
    var nightRule: String
    var weekendRule: String
    var emergencyInstructions: String
    var crisisLines: [Line]

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

extension IdentityStore {
    /// The organisation's policy; an empty NO_CONTACT policy when none was set.
    func contactPolicy(_ db: Database, organization: String) throws -> Tillit_Identity_V1_ContactPolicy {
        var policy = Tillit_Identity_V1_ContactPolicy()
        policy.nightRule = .noContact
        policy.weekendRule = .noContact
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT night_rule, weekend_rule, emergency_instructions, updated_at, updated_by
                    FROM contact_policies WHERE organization_id = ?
                    """,
                arguments: [organization])
        else { return policy }
        policy.nightRule = WireMapping.rule(row["night_rule"])
        policy.weekendRule = WireMapping.rule(row["weekend_rule"])
        policy.emergencyInstructions = row["emergency_instructions"]
        policy.updatedAt = WireMapping.timestamp(millis: row["updated_at"])
        policy.updatedBy = WireMapping.accountID(row["updated_by"])!
        policy.hours = try Row.fetchAll(
            db,
            sql:
                "SELECT weekday, start_minute, end_minute FROM contact_hours WHERE organization_id = ? ORDER BY weekday, start_minute",
            arguments: [organization]
        ).map { row in
            var hours = Tillit_Identity_V1_ContactHours()
            hours.weekday = Tillit_Identity_V1_Weekday(rawValue: row["weekday"]) ?? .unspecified
            hours.startMinute = UInt32(row["start_minute"] as Int)
            hours.endMinute = UInt32(row["end_minute"] as Int)
            return hours
        }
        policy.crisisLines = try Row.fetchAll(
            db,
            sql:
                "SELECT name, phone, hours, url FROM crisis_lines WHERE organization_id = ? ORDER BY position",
            arguments: [organization]
        ).map { row in
            var line = Tillit_Identity_V1_CrisisLine()
            line.name = row["name"]
            line.phone = row["phone"]
            line.hours = row["hours"]
            line.url = row["url"]
            return line
        }
        return policy
    }

    /// Replaces the organisation's policy with `policy`.
    func replaceContactPolicy(
        _ db: Database, organization: String, _ policy: ContactPolicyInput, by account: String, at: Int64
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO contact_policies (organization_id, night_rule, weekend_rule, emergency_instructions,
                    updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (organization_id) DO UPDATE SET night_rule = excluded.night_rule,
                    weekend_rule = excluded.weekend_rule, emergency_instructions = excluded.emergency_instructions,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """,
            arguments: [
                organization, policy.nightRule, policy.weekendRule, policy.emergencyInstructions, at, account,
            ])
        try db.execute(sql: "DELETE FROM contact_hours WHERE organization_id = ?", arguments: [organization])
        try db.execute(sql: "DELETE FROM crisis_lines WHERE organization_id = ?", arguments: [organization])
        for hours in policy.hours {
            try db.execute(
                sql:
                    "INSERT INTO contact_hours (organization_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)",
                arguments: [organization, hours.weekday, hours.start, hours.end])
        }
        for (position, line) in policy.crisisLines.enumerated() {
            try db.execute(
                sql:
                    "INSERT INTO crisis_lines (organization_id, position, name, phone, hours, url) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [organization, position, line.name, line.phone, line.hours, line.url])
        }
    }
}
