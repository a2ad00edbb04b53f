import Foundation
import TillitContracts

/// The words `tillit` uses for the API's enumerations, both ways.
enum Names {
    /// Role words.
    static let roles: [(String, Tillit_Identity_V1_Role)] = [
        ("admin", .admin), ("scheduler", .scheduler), ("practitioner", .practitioner),
        ("supervisor", .supervisor),
    ]

    /// Consent-kind words.
    static let consentKinds: [(String, Tillit_Identity_V1_ConsentKind)] = [
        ("treatment", .treatment), ("share-with-practitioner", .shareWithPractitioner),
        ("case-consultation", .caseConsultation), ("contact-by-message", .contactByMessage),
    ]

    /// Out-of-hours rule words.
    static let rules: [(String, Tillit_Identity_V1_OutOfHoursRule)] = [
        ("no-contact", .noContact), ("emergency-only", .emergencyOnly),
        ("messages-answered-next-day", .messagesAnsweredNextDay),
    ]

    /// Weekday words (three letters).
    static let weekdays: [(String, Tillit_Identity_V1_Weekday)] = [
        ("mon", .monday), ("tue", .tuesday), ("wed", .wednesday), ("thu", .thursday), ("fri", .friday),
        ("sat", .saturday), ("sun", .sunday),
    ]

    /// The word for `value` in `table`, or `unspecified`.
    static func word<T: Equatable>(_ value: T, in table: [(String, T)]) -> String {
        table.first { $0.1 == value }?.0 ?? "unspecified"
    }

    /// The value for `word` in `table`, or a usage error naming the choices.
    static func value<T>(_ word: String, in table: [(String, T)], what: String) throws -> T {
        let key = word.lowercased().trimmingCharacters(in: .whitespaces)
        guard let match = table.first(where: { $0.0 == key }) else {
            throw CLIError(
                .usage, "unknown \(what) '\(word)': use \(table.map(\.0).joined(separator: ", "))")
        }
        return match.1
    }

    /// Roles from words, comma-separated or repeated.
    static func roles(_ words: [String]) throws -> [Tillit_Identity_V1_Role] {
        try words.flatMap { $0.split(separator: ",") }.map { try value(String($0), in: roles, what: "role") }
    }

    /// The role words of `roles`.
    static func words(_ roles: [Tillit_Identity_V1_Role]) -> [String] {
        roles.map { word($0, in: Self.roles) }
    }
}
