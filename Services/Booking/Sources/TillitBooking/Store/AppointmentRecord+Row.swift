import GRDB

extension AppointmentRecord {
    /// The columns `init(row:)` reads, in order.
    static let columns = """
        id, practitioner_id, client_id, session_type_id, location_id, starts_at, ends_at, blocked_until,
        capacity, modality, price_currency, price_minor_units, status, booked_by, booked_at, cancelled_at,
        cancelled_by, late, cancel_reason, rescheduled_from, rescheduled_to, actual_start, actual_end,
        marked_at, marked_by
        """

    /// A record from a row of `columns`.
    init(row: Row) throws {
        guard let modality = Modality(rawValue: row[9]) else {
            throw BookingStoreError.corrupt("appointments.modality")
        }
        guard let status = AppointmentStatus(rawValue: row[12]) else {
            throw BookingStoreError.corrupt("appointments.status")
        }
        self.init(
            id: row[0], practitionerID: row[1], clientID: row[2], sessionTypeID: row[3], locationID: row[4],
            startsAt: row[5], endsAt: row[6], blockedUntil: row[7], capacity: row[8], modality: modality,
            currency: row[10], priceMinorUnits: row[11], status: status, bookedBy: row[13], bookedAt: row[14],
            cancelledAt: row[15], cancelledBy: row[16], late: row[17], cancelReason: row[18],
            rescheduledFrom: row[19], rescheduledTo: row[20], actualStart: row[21], actualEnd: row[22],
            markedAt: row[23], markedBy: row[24])
    }
}
