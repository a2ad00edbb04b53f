import Foundation
import TillitContracts

/// Conversions between the wire enums and the lower-case text the database stores.
enum WireMapping {
    static func role(_ role: Tillit_Identity_V1_Role) throws -> String {
        switch role {
        case .admin: "admin"
        case .scheduler: "scheduler"
        case .practitioner: "practitioner"
        case .supervisor: "supervisor"
        case .unspecified, .UNRECOGNIZED: throw IdentityError.invalid("roles", "unknown role")
        }
    }

    static func role(_ text: String) -> Tillit_Identity_V1_Role {
        switch text {
        case "admin": .admin
        case "scheduler": .scheduler
        case "practitioner": .practitioner
        case "supervisor": .supervisor
        default: .unspecified
        }
    }

    /// Sorted, de-duplicated role names.
    static func roles(_ roles: [Tillit_Identity_V1_Role]) throws -> [String] {
        Array(Set(try roles.map(role))).sorted()
    }

    static func kind(_ text: String) -> Tillit_Identity_V1_AccountKind {
        switch text {
        case "staff": .staff
        case "client": .client
        case "service": .service
        default: .unspecified
        }
    }

    static func kind(_ kind: Tillit_Identity_V1_AccountKind) -> String? {
        switch kind {
        case .staff: "staff"
        case .client: "client"
        case .service: "service"
        case .unspecified, .UNRECOGNIZED: nil
        }
    }

    static func licence(_ text: String?) -> Tillit_Identity_V1_LicenceStatus {
        switch text {
        case "licensed": .licensed
        case "pre_licensed": .preLicensed
        default: .unspecified
        }
    }

    static func licence(_ status: Tillit_Identity_V1_LicenceStatus) throws -> String? {
        switch status {
        case .unspecified: nil
        case .licensed: "licensed"
        case .preLicensed: "pre_licensed"
        case .UNRECOGNIZED: throw IdentityError.invalid("licence_status", "unknown licence status")
        }
    }

    static func consentKind(_ kind: Tillit_Identity_V1_ConsentKind) throws -> String {
        switch kind {
        case .treatment: "treatment"
        case .shareWithPractitioner: "share_with_practitioner"
        case .caseConsultation: "case_consultation"
        case .contactByMessage: "contact_by_message"
        case .unspecified, .UNRECOGNIZED: throw IdentityError.invalid("kind", "a consent kind is required")
        }
    }

    static func consentKind(_ text: String) -> Tillit_Identity_V1_ConsentKind {
        switch text {
        case "treatment": .treatment
        case "share_with_practitioner": .shareWithPractitioner
        case "case_consultation": .caseConsultation
        case "contact_by_message": .contactByMessage
        default: .unspecified
        }
    }

    static func rule(_ rule: Tillit_Identity_V1_OutOfHoursRule, field: String) throws -> String {
        switch rule {
        case .noContact: "no_contact"
        case .emergencyOnly: "emergency_only"
        case .messagesAnsweredNextDay: "messages_answered_next_day"
        case .unspecified, .UNRECOGNIZED: throw IdentityError.invalid(field, "a rule is required")
        }
    }

    static func rule(_ text: String) -> Tillit_Identity_V1_OutOfHoursRule {
        switch text {
        case "emergency_only": .emergencyOnly
        case "messages_answered_next_day": .messagesAnsweredNextDay
        default: .noContact
        }
    }

    static func outcome(_ text: String) -> Tillit_Identity_V1_AuditOutcome {
        switch text {
        case "success": .success
        case "failure": .failure
        case "denied": .denied
        default: .unspecified
        }
    }

    static func timestamp(millis: Int64) -> Tillit_Common_V1_Timestamp {
        var timestamp = Tillit_Common_V1_Timestamp()
        let (seconds, remainder) = millis.quotientAndRemainder(dividingBy: 1000)
        timestamp.seconds = remainder < 0 ? seconds - 1 : seconds
        timestamp.nanos = Int32((remainder < 0 ? remainder + 1000 : remainder) * 1_000_000)
        return timestamp
    }

    static func timestamp(_ date: Date) -> Tillit_Common_V1_Timestamp {
        timestamp(millis: millis(date))
    }

    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func millis(_ timestamp: Tillit_Common_V1_Timestamp) -> Int64 {
        timestamp.seconds &* 1000 &+ Int64(timestamp.nanos / 1_000_000)
    }

    static func accountID(_ id: String?) -> Tillit_Common_V1_AccountId? {
        guard let id else { return nil }
        var value = Tillit_Common_V1_AccountId()
        value.value = id
        return value
    }
}
