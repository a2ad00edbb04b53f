import Foundation
import GRDB
import TillitServiceKit

extension IdentityStore {
    /// The answer to Bootstrap once an organisation exists and no bootstrap secret matched.
    static let bootstrapRefused = ServiceError.denied(
        "bootstrap is not allowed: an organisation exists (a bootstrap secret is needed)")

    /// Whether any organisation exists.
    func hasOrganizations() async throws -> Bool {
        try await read { db in try hasOrganizations(db) }
    }

    /// Creates an organisation with its locations and first admin, audited as
    /// `organization.bootstrap`. Unless `secretMatched`, PERMISSION_DENIED when an organisation
    /// already exists (checked in the same transaction).
    func bootstrapOrganization(
        name: String, timeZone: String, locations: [NewLocationInput], admin: NewStaffInput,
        password: PasswordHash, secretMatched: Bool, requestID: String
    ) async throws -> (organization: OrganizationRecord, admin: AccountRecord) {
        let organizationID = Self.newID()
        let at = nowMillis
        return try await write { db in
            if !secretMatched, try hasOrganizations(db) { throw Self.bootstrapRefused }
            try db.execute(
                sql: "INSERT INTO organizations (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)",
                arguments: [organizationID, name, timeZone, at])
            for location in locations {
                _ = try insertLocation(db, organization: organizationID, location, at: at)
            }
            let adminID = try insertStaff(
                db, organization: organizationID, admin, password: password, grantedBy: nil, at: at)
            try audit(
                db, AuditEvent("organization.bootstrap", subject: adminID, detail: "admin: \(admin.email)"),
                by: AuditActor(organization: organizationID, actor: nil, requestID: requestID))
            guard let organization = try self.organization(db, id: organizationID),
                let account = try AccountRecord.fetch(db, organization: organizationID, id: adminID)
            else { throw ServiceError(.internalError, "bootstrap did not persist") }
            return (organization, account)
        }
    }

    /// The caller's organisation with its locations.
    func organization(of caller: Caller) async throws -> OrganizationRecord {
        let organization = try await read { db in
            try requireActiveCaller(db, caller)
            return try self.organization(db, id: caller.organization)
        }
        guard let organization else { throw ServiceError.notFound("organisation") }
        return organization
    }

    /// Renames the caller's organisation, moves it to another time zone and/or changes whether
    /// every staff account must use TOTP (nil keeps a field), audited as `organization.update`.
    func updateOrganization(
        name: String?, timeZone: String?, staffTotpRequired: Bool? = nil, by caller: Caller
    ) async throws -> OrganizationRecord {
        let organization = try await write { db in
            try requireActiveCaller(db, caller)
            if let name {
                try db.execute(
                    sql: "UPDATE organizations SET name = ? WHERE id = ?",
                    arguments: [name, caller.organization])
            }
            if let timeZone {
                try db.execute(
                    sql: "UPDATE organizations SET time_zone = ? WHERE id = ?",
                    arguments: [timeZone, caller.organization])
            }
            if let staffTotpRequired {
                try db.execute(
                    sql: "UPDATE organizations SET staff_totp_required = ? WHERE id = ?",
                    arguments: [staffTotpRequired, caller.organization])
            }
            var changes: [String] = []
            if let name { changes.append("name: \(name)") }
            if let timeZone { changes.append("time_zone: \(timeZone)") }
            if let staffTotpRequired { changes.append("staff_totp_required: \(staffTotpRequired)") }
            try audit(
                db, AuditEvent("organization.update", detail: changes.joined(separator: "; ")),
                by: AuditActor(caller))
            return try self.organization(db, id: caller.organization)
        }
        guard let organization else { throw ServiceError.notFound("organisation") }
        return organization
    }

    /// Adds a location to the caller's organisation (at most 1000), audited as `location.add`.
    func addLocation(_ location: NewLocationInput, by caller: Caller) async throws -> LocationRecord {
        let at = nowMillis
        let stored = try await write { db in
            try requireActiveCaller(db, caller)
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM locations WHERE organization_id = ?",
                    arguments: [caller.organization]) ?? 0
            guard count < 1000 else {
                throw ServiceError(.failedPrecondition, "an organisation has at most 1000 locations")
            }
            let id = try insertLocation(db, organization: caller.organization, location, at: at)
            try audit(
                db, AuditEvent("location.add", detail: "\(id): \(location.name), \(location.city)"),
                by: AuditActor(caller))
            return try self.location(db, organization: caller.organization, id: id)
        }
        guard let stored else { throw ServiceError(.internalError, "location not stored") }
        return stored
    }

    /// Changes a location's name, address and/or city (nil keeps a field), audited as
    /// `location.update`; NOT_FOUND for an id not of the caller's organisation.
    func updateLocation(
        _ id: String, name: String?, address: String?, city: String?, by caller: Caller
    ) async throws -> LocationRecord {
        let stored = try await write { db in
            try requireActiveCaller(db, caller)
            guard try location(db, organization: caller.organization, id: id) != nil else {
                throw ServiceError.notFound("location")
            }
            try db.execute(
                sql: """
                    UPDATE locations SET name = coalesce(?, name), address = coalesce(?, address),
                        city = coalesce(?, city)
                    WHERE organization_id = ? AND id = ?
                    """,
                arguments: [name, address, city, caller.organization, id])
            try audit(db, AuditEvent("location.update", detail: id), by: AuditActor(caller))
            return try location(db, organization: caller.organization, id: id)
        }
        guard let stored else { throw ServiceError.notFound("location") }
        return stored
    }

    /// Deactivates a location (locations are never deleted), audited as `location.deactivate`;
    /// NOT_FOUND for an id not of the caller's organisation.
    func deactivateLocation(_ id: String, by caller: Caller) async throws -> LocationRecord {
        let stored = try await write { db in
            try requireActiveCaller(db, caller)
            guard try location(db, organization: caller.organization, id: id) != nil else {
                throw ServiceError.notFound("location")
            }
            try db.execute(
                sql: "UPDATE locations SET active = 0 WHERE organization_id = ? AND id = ?",
                arguments: [caller.organization, id])
            try audit(db, AuditEvent("location.deactivate", detail: id), by: AuditActor(caller))
            return try location(db, organization: caller.organization, id: id)
        }
        guard let stored else { throw ServiceError.notFound("location") }
        return stored
    }

    /// Whether any organisation exists.
    private func hasOrganizations(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM organizations)") ?? false
    }

    /// Inserts a location; returns its id.
    private func insertLocation(_ db: Database, organization: String, _ location: NewLocationInput, at: Int64)
        throws -> String
    {
        let id = Self.newID()
        try db.execute(
            sql: """
                INSERT INTO locations (id, organization_id, name, address, city, active, created_at)
                VALUES (?, ?, ?, ?, ?, 1, ?)
                """,
            arguments: [id, organization, location.name, location.address, location.city, at])
        return id
    }

    /// The organisation with its locations (active first, then by name).
    private func organization(_ db: Database, id: String) throws -> OrganizationRecord? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, name, time_zone, created_at, staff_totp_required FROM organizations
                    WHERE id = ?
                    """,
                arguments: [id])
        else { return nil }
        let locations = try Row.fetchAll(
            db,
            sql: LocationRecord.selection + " WHERE organization_id = ? ORDER BY active DESC, name, id",
            arguments: [id]
        ).map(LocationRecord.init(row:))
        return OrganizationRecord(
            id: row["id"], name: row["name"], timeZone: row["time_zone"], createdAt: row["created_at"],
            staffTotpRequired: row["staff_totp_required"], locations: locations)
    }

    /// One location of `organization`, or nil.
    private func location(_ db: Database, organization: String, id: String) throws -> LocationRecord? {
        try Row.fetchOne(
            db, sql: LocationRecord.selection + " WHERE organization_id = ? AND id = ?",
            arguments: [organization, id]
        ).map(LocationRecord.init(row:))
    }
}
