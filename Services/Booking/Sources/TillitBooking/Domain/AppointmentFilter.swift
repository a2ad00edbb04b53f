/// Which appointments to list, by start then id, one page at a time.
public struct AppointmentFilter: Sendable, Equatable {
    /// Only this practitioner's.
    public var practitioner: String?
    /// Only this client's.
    public var client: String?
    /// Starting in this range (ms).
    public var during: Range<Int64>
    /// Only this status.
    public var status: AppointmentStatus?
    /// After this `(start, id)` (the page key).
    public var after: (startsAt: Int64, id: String)?
    /// At most this many.
    public var limit: Int

    /// A filter.
    public init(
        practitioner: String?, client: String?, during: Range<Int64>, status: AppointmentStatus?,
        after: (startsAt: Int64, id: String)?, limit: Int
    ) {
        self.practitioner = practitioner
        self.client = client
        self.during = during
        self.status = status
        self.after = after
        self.limit = limit
    }

    /// Compares every field (the page key by value).
    public static func == (lhs: AppointmentFilter, rhs: AppointmentFilter) -> Bool {
        lhs.practitioner == rhs.practitioner && lhs.client == rhs.client && lhs.during == rhs.during
            && lhs.status == rhs.status && lhs.after?.startsAt == rhs.after?.startsAt
            && lhs.after?.id == rhs.after?.id && lhs.limit == rhs.limit
    }
}
