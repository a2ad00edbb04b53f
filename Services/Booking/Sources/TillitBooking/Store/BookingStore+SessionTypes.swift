import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

extension BookingStore {
    /// Stores a new session type (`record.id` and `createdAt` are set here);
    /// ALREADY_EXISTS when an active type has the name.
    func createSessionType(_ record: SessionTypeRecord, by caller: Caller) async throws -> SessionTypeRecord {
        var stored = record
        stored.id = Self.newID()
        stored.createdAt = nowMillis
        stored.active = true
        let value = stored
        return try await write { db in
            try requireUniqueName(db, value.name, except: nil, organization: caller.organization)
            try db.cachedExecute(
                sql: """
                    INSERT INTO session_types (organization_id, \(SessionTypeRecord.columns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                    """,
                arguments: [
                    caller.organization, value.id, value.name, value.durationMinutes,
                    value.bufferAfterMinutes,
                    value.modality.rawValue, value.capacity, value.currency, value.priceMinorUnits,
                    value.createdAt,
                ])
            try audit(
                db, AuditEvent("session_type.create", subject: value.id, detail: value.name), by: caller)
            return value
        }
    }

    /// Changes name, buffer, capacity and price of an active session type (booked appointments
    /// keep what they were booked with); NOT_FOUND for an unknown or archived id.
    func updateSessionType(_ record: SessionTypeRecord, by caller: Caller) async throws -> SessionTypeRecord {
        try await write { db in
            guard var stored = try sessionType(db, record.id, organization: caller.organization),
                stored.active
            else { throw ServiceError.notFound("session type") }
            try requireUniqueName(db, record.name, except: record.id, organization: caller.organization)
            stored.name = record.name
            stored.durationMinutes = record.durationMinutes
            stored.bufferAfterMinutes = record.bufferAfterMinutes
            stored.modality = record.modality
            stored.capacity = record.capacity
            stored.currency = record.currency
            stored.priceMinorUnits = record.priceMinorUnits
            try db.cachedExecute(
                sql: """
                    UPDATE session_types SET name = ?, duration_minutes = ?, buffer_after_minutes = ?,
                        modality = ?, capacity = ?, price_currency = ?, price_minor_units = ?
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [
                    stored.name, stored.durationMinutes, stored.bufferAfterMinutes, stored.modality.rawValue,
                    stored.capacity, stored.currency, stored.priceMinorUnits, caller.organization, stored.id,
                ])
            try audit(
                db, AuditEvent("session_type.update", subject: stored.id, detail: stored.name), by: caller)
            return stored
        }
    }

    /// Archives a session type; NOT_FOUND for an unknown id. Archiving twice is a no-op.
    func archiveSessionType(_ id: String, by caller: Caller) async throws -> SessionTypeRecord {
        try await write { db in
            guard var stored = try sessionType(db, id, organization: caller.organization) else {
                throw ServiceError.notFound("session type")
            }
            if stored.active {
                stored.active = false
                try db.cachedExecute(
                    sql: "UPDATE session_types SET active = 0 WHERE organization_id = ? AND id = ?",
                    arguments: [caller.organization, id])
                try audit(
                    db, AuditEvent("session_type.archive", subject: id, detail: stored.name), by: caller)
            }
            return stored
        }
    }

    /// The practice's session types by name.
    func sessionTypes(includeArchived: Bool, for caller: Caller) async throws -> [SessionTypeRecord] {
        try await read { db in
            try db.cachedRows(
                sql: """
                    SELECT \(SessionTypeRecord.columns) FROM session_types
                    WHERE organization_id = ? AND (active = 1 OR ?) ORDER BY lower(name), id
                    """,
                arguments: [caller.organization, includeArchived]
            ).map(SessionTypeRecord.init(row:))
        }
    }

    /// One session type of `organization`, or nil.
    func sessionType(_ db: Database, _ id: String, organization: String) throws -> SessionTypeRecord? {
        try db.cachedRow(
            sql:
                "SELECT \(SessionTypeRecord.columns) FROM session_types WHERE organization_id = ? AND id = ?",
            arguments: [organization, id]
        ).map(SessionTypeRecord.init(row:))
    }

    private func requireUniqueName(_ db: Database, _ name: String, except id: String?, organization: String)
        throws
    {
        let taken =
            try db.cachedValue(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM session_types
                    WHERE organization_id = ? AND active = 1 AND lower(name) = lower(?) AND id IS NOT ?)
                    """,
                arguments: [organization, name, id]) ?? false
        if taken { throw ServiceError.alreadyExists("a session type named '\(name)'") }
    }
}
