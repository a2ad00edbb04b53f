import Foundation
import TillitContracts
import TillitServiceKit

/// Conversions between the wire enums and the lower-case text the database stores.
enum WireMapping {
    static func rule(_ rule: Tillit_Identity_V1_OutOfHoursRule, field: String) throws -> String {
        switch rule {
        case .noContact: "no_contact"
        case .emergencyOnly: "emergency_only"
        case .messagesAnsweredNextDay: "messages_answered_next_day"
        case .unspecified, .UNRECOGNIZED: throw ServiceError.invalid(field, "a rule is required")
        }
    }

    static func rule(_ text: String) -> Tillit_Identity_V1_OutOfHoursRule {
        switch text {
        case "emergency_only": .emergencyOnly
        case "messages_answered_next_day": .messagesAnsweredNextDay
        default: .noContact
        }
    }

    static func timestamp(millis: Int64) -> Tillit_Common_V1_Timestamp {
        Tillit_Common_V1_Timestamp(millis: millis)
    }

    static func timestamp(_ date: Date) -> Tillit_Common_V1_Timestamp {
        timestamp(millis: millis(date))
    }

    /// The instant `millis` milliseconds after the epoch.
    static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func millis(_ timestamp: Tillit_Common_V1_Timestamp) -> Int64 {
        timestamp.millis
    }

    static func accountID(_ id: String?) -> Tillit_Common_V1_AccountId? {
        guard let id else { return nil }
        var value = Tillit_Common_V1_AccountId()
        value.value = id
        return value
    }
}
