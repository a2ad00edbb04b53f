import Foundation

/// A validated contact policy.
struct ContactPolicyInput: Sendable {
    /// Contact hours on one ISO weekday, in minutes of the day in the practice's time zone.
    struct Hours: Sendable, Equatable {
        /// ISO weekday, 1 (Monday) to 7 (Sunday).
        var weekday: Int
        /// First minute, 0–1439.
        var start: Int
        /// Minute after the last, up to 1440.
        var end: Int
    }

    /// A crisis line shown to clients out of hours.
    struct Line: Sendable, Equatable {
        /// The line's name.
        var name: String
        /// Phone number: digits, spaces, + - ( ).
        var phone: String
        /// When it answers, as text.
        var hours: String
        /// An http(s) address (may be empty).
        var url: String
    }

    /// Sorted by weekday and start; no two overlap.
    var hours: [Hours]
    /// `no_contact`, `emergency_only` or `messages_answered_next_day`.
    var nightRule: String
    /// As `nightRule`, for weekends.
    var weekendRule: String
    /// What to do in an emergency.
    var emergencyInstructions: String
    /// Crisis lines in the order shown.
    var crisisLines: [Line]
}
