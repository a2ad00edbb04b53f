import GRDB

/// The hot queries of slot search and booking, by name, so that the EXPLAIN QUERY PLAN test
/// checks the very text the store runs: each must be an index range search, never a scan.
public enum BookingQueries {
    /// Time held by one practitioner's appointments starting in a range, other than one being
    /// moved (arguments: organisation, practitioner, range start minus the longest held time,
    /// range end, organisation, the appointment to leave out or NULL). Read from the covering
    /// partial index `appointments_held_by_practitioner`: the table is touched only for the
    /// type and place of group sessions, and the one row left out is found once, by rowid.
    public static let heldTime = """
        SELECT starts_at, ends_at, blocked_until, capacity,
            CASE WHEN capacity > 1 THEN session_type_id END, CASE WHEN capacity > 1 THEN location_id END
        FROM appointments
        WHERE organization_id = ? AND practitioner_id = ? AND starts_at > ? AND starts_at < ?
          AND status IN ('booked', 'attended', 'no_show')
          AND rowid IS NOT (SELECT rowid FROM appointments WHERE organization_id = ? AND id = ?)
        ORDER BY starts_at
        """

    /// Exceptions of `count` practitioners overlapping a range (arguments: organisation, the
    /// practitioners, range start minus 366 days, range end, range start).
    public static func exceptions(practitioners count: Int) -> String {
        """
        SELECT id, practitioner_id, kind, starts_at, ends_at, location_id, reason, created_at
        FROM availability_exceptions
        WHERE organization_id = ? AND practitioner_id IN (\(databaseQuestionMarks(count: count)))
          AND starts_at > ? AND starts_at < ? AND ends_at > ?
        ORDER BY practitioner_id, starts_at
        """
    }

    /// What the overlap trigger asks for one new row (arguments: organisation, practitioner,
    /// start minus the longest held time, the new row's held end, its start).
    public static let practitionerOverlap = """
        SELECT 1 FROM appointments a
        WHERE a.organization_id = ? AND a.practitioner_id = ?
          AND a.starts_at > ? AND a.starts_at < ? AND a.blocked_until > ?
          AND a.status IN ('booked', 'attended', 'no_show')
        """

    /// A practitioner's appointments in a range, by start (ListAppointments, statistics).
    public static let practitionerAppointments = """
        SELECT id FROM appointments
        WHERE organization_id = ? AND practitioner_id = ? AND starts_at >= ? AND starts_at < ?
        ORDER BY starts_at, id
        """

    /// A practitioner's due check-ins.
    public static let dueCheckIns = """
        SELECT id FROM check_ins
        WHERE organization_id = ? AND practitioner_id = ? AND status = 'marked' AND due_at <= ?
        ORDER BY due_at, id
        """
}
