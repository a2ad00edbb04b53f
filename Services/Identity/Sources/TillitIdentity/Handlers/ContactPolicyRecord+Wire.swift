import Foundation
import TillitContracts

extension ContactPolicyRecord {
    /// The wire form.
    var proto: Tillit_Identity_V1_ContactPolicy {
        var policy = Tillit_Identity_V1_ContactPolicy()
        policy.nightRule = WireMapping.rule(nightRule)
        policy.weekendRule = WireMapping.rule(weekendRule)
        policy.emergencyInstructions = emergencyInstructions
        if let updatedAt { policy.updatedAt = WireMapping.timestamp(millis: updatedAt) }
        if let updatedBy = WireMapping.accountID(updatedBy) { policy.updatedBy = updatedBy }
        policy.hours = hours.map { entry in
            var hours = Tillit_Identity_V1_ContactHours()
            hours.weekday = Tillit_Identity_V1_Weekday(rawValue: entry.weekday) ?? .unspecified
            hours.startMinute = UInt32(entry.start)
            hours.endMinute = UInt32(entry.end)
            return hours
        }
        policy.crisisLines = crisisLines.map { entry in
            var line = Tillit_Identity_V1_CrisisLine()
            line.name = entry.name
            line.phone = entry.phone
            line.hours = entry.hours
            line.url = entry.url
            return line
        }
        return policy
    }
}
