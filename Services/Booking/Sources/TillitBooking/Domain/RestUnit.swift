/// The unit of a check-in's rest period (stored as its raw value).
public enum RestUnit: String, Sendable, CaseIterable, Codable {
    /// Days of 24 hours.
    case days = "days"
    /// Weeks of 7 days.
    case weeks = "weeks"
    /// Calendar months in the practice's zone.
    case months = "months"
}
