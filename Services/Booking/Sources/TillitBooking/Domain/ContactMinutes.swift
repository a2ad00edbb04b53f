/// A practitioner's attended direct-contact time in a range.
public struct ContactMinutes: Sendable, Equatable {
    /// Booked minutes of the attended appointments.
    public var booked: Int64
    /// Actual minutes of them.
    public var actual: Int64
    /// How many.
    public var appointments: Int

    /// A value with every field.
    public init(booked: Int64, actual: Int64, appointments: Int) {
        self.booked = booked
        self.actual = actual
        self.appointments = appointments
    }
}
