/// Where an appointment stands (stored as its raw value).
public enum AppointmentStatus: String, Sendable, CaseIterable, Codable {
    /// Booked and ahead, or not yet marked.
    case booked = "booked"
    /// Cancelled (perhaps late).
    case cancelled = "cancelled"
    /// Replaced by another appointment.
    case rescheduled = "rescheduled"
    /// Took place.
    case attended = "attended"
    /// The client did not come.
    case noShow = "no_show"
}

extension AppointmentStatus {
    /// Whether an appointment in this status holds the practitioner's (and client's) time.
    public var holdsTime: Bool {
        switch self {
        case .booked, .attended, .noShow: true
        case .cancelled, .rescheduled: false
        }
    }
}
