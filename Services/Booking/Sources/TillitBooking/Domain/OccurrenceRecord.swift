/// One occurrence an agreement's series made.
public struct OccurrenceRecord: Sendable, Equatable {
    /// What became of it.
    public enum Status: String, Sendable {
        /// Booked as `appointmentID`.
        case booked
        /// Its time was taken; nothing booked.
        case collision
    }

    /// From 0, every cadence step from the first date.
    public var index: Int
    /// Its start (ms).
    public var startsAt: Int64
    /// What became of it.
    public var status: Status
    /// The appointment booked for it.
    public var appointmentID: String?
    /// Why it collided.
    public var problem: String

    /// A value with every field.
    public init(index: Int, startsAt: Int64, status: Status, appointmentID: String?, problem: String) {
        self.index = index
        self.startsAt = startsAt
        self.status = status
        self.appointmentID = appointmentID
        self.problem = problem
    }
}
