import Foundation

/// An organisation's contact policy as stored.
struct ContactPolicyRecord: Sendable, Equatable {
    /// Contact hours, by weekday and start.
    var hours: [ContactPolicyInput.Hours]
    /// `no_contact`, `emergency_only` or `messages_answered_next_day`.
    var nightRule: String
    /// As `nightRule`, for weekends.
    var weekendRule: String
    /// What to do in an emergency.
    var emergencyInstructions: String
    /// Crisis lines in the order shown.
    var crisisLines: [ContactPolicyInput.Line]
    /// When it was last set (nil: never).
    var updatedAt: Int64?
    /// Who last set it (nil: never).
    var updatedBy: String?

    /// The policy of an organisation that never set one: no contact, no hours.
    static let unset = ContactPolicyRecord(
        hours: [], nightRule: "no_contact", weekendRule: "no_contact", emergencyInstructions: "",
        crisisLines: [], updatedAt: nil, updatedBy: nil)
}
