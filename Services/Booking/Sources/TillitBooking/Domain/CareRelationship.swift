/// Whether a practitioner has a care relationship with a client, and why.
public struct CareRelationship: Sendable, Equatable {
    /// Why it holds (empty: it does not).
    public enum Basis: Sendable, Equatable, CaseIterable {
        /// A booked appointment that has not ended.
        case futureAppointment
        /// An attended appointment within the practice's period.
        case recentAttendance
        /// An accepted, active agreement.
        case activeAgreement
    }

    /// What it rests on.
    public var basis: [Basis]
    /// Until when it holds at least, if nothing changes (ms).
    public var holdsUntil: Int64?

    /// A value with every field.
    public init(basis: [Basis], holdsUntil: Int64?) {
        self.basis = basis
        self.holdsUntil = holdsUntil
    }

    /// Whether it holds.
    public var active: Bool { !basis.isEmpty }
}
