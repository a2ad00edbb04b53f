import Foundation
import GRDB
import TillitContracts

/// A validated location to create.
struct NewLocationInput: Sendable {
    var name: String
    var address: String
    var city: String

    init(_ location: Tillit_Identity_V1_NewLocation, field: String) throws {
        name = try Validation.name(location.name, field: "\(field).name")
        address = try Validation.text(location.address, field: "\(field).address", max: 1000)
        city = try Validation.name(location.city, field: "\(field).city")
    }
}

/// A validated first admin.
struct NewStaffInput: Sendable {
    var email: String
    var displayName: String
    var roles: [String]
    var discipline: String = ""
    var languages: [String] = []
    var licence: String?
    var supervisor: String?
}

extension IdentityStore {
    /// Whether any organisation exists.
    func hasOrganizations(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM organizations)") ?? false
    }

    /// Inserts an organisation and its locations.
    func insertOrganization(
        _ db: Database, id: String, name: String, timeZone: String, locations: [NewLocationInput], at: Int64
    ) throws {
        try db.execute(
            sql: "INSERT INTO organizations (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)",
            arguments: [id, name, timeZone, at])
        for location in locations {
            _ = try insertLocation(db, organization: id, location, at: at)
        }
    }

    /// Inserts a location; returns its id.
    func insertLocation(_ db: Database, organization: String, _ location: NewLocationInput, at: Int64) throws
        -> String
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
    func organization(_ db: Database, id: String) throws -> Tillit_Identity_V1_Organization? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT id, name, time_zone, created_at FROM organizations WHERE id = ?",
                arguments: [id])
        else { return nil }
        var organization = Tillit_Identity_V1_Organization()
        organization.id.value = row["id"]
        organization.name = row["name"]
        organization.timeZone = row["time_zone"]
        organization.createdAt = WireMapping.timestamp(millis: row["created_at"])
        organization.locations = try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, address, city, active FROM locations
                WHERE organization_id = ? ORDER BY active DESC, name, id
                """,
            arguments: [id]
        ).map(Self.location(row:))
        return organization
    }

    /// One location of `organization`, or nil.
    func location(_ db: Database, organization: String, id: String) throws -> Tillit_Identity_V1_Location? {
        try Row.fetchOne(
            db,
            sql: "SELECT id, name, address, city, active FROM locations WHERE organization_id = ? AND id = ?",
            arguments: [organization, id]
        ).map(Self.location(row:))
    }

    static func location(row: Row) -> Tillit_Identity_V1_Location {
        var location = Tillit_Identity_V1_Location()
        location.id = row["id"]
        location.name = row["name"]
        location.address = row["address"]
        location.city = row["city"]
        location.active = row["active"]
        return location
    }

    /// Inserts a staff account with roles, profile and (optionally) a password.
    func insertStaff(
        _ db: Database, organization: String, _ staff: NewStaffInput, password: PasswordHash?,
        grantedBy: String?,
        at: Int64
    ) throws -> String {
        let id = Self.newID()
        try insertAccount(
            db, id: id, organization: organization, kind: "staff", email: staff.email,
            displayName: staff.displayName, at: at)
        for role in staff.roles {
            try db.execute(
                sql: """
                    INSERT INTO account_roles (organization_id, account_id, role, granted_at, granted_by)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [organization, id, role, at, grantedBy])
        }
        try db.execute(
            sql: """
                INSERT INTO staff_profiles (account_id, organization_id, discipline, languages, licence_status,
                    supervisor_account_id)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, organization, staff.discipline, WireMapping.json(staff.languages), staff.licence,
                staff.supervisor,
            ])
        if let password {
            try insertPassword(db, organization: organization, account: id, password, at: at)
        }
        return id
    }

    /// Inserts the `accounts` row; an e-mail in use answers ALREADY_EXISTS.
    func insertAccount(
        _ db: Database, id: String, organization: String, kind: String, email: String?, displayName: String,
        at: Int64
    ) throws {
        if let email,
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE organization_id = ? AND email = ?)",
                arguments: [organization, email]) == true
        {
            throw IdentityError(.alreadyExists, "an account with this e-mail already exists")
        }
        try db.execute(
            sql: """
                INSERT INTO accounts (id, organization_id, kind, status, email, display_name, created_at)
                VALUES (?, ?, ?, 'active', ?, ?, ?)
                """,
            arguments: [id, organization, kind, email, displayName, at])
    }

    /// Makes `hash` the account's current password, superseding the previous one.
    func insertPassword(
        _ db: Database, organization: String, account: String, _ hash: PasswordHash, at: Int64
    )
        throws
    {
        try db.execute(
            sql: """
                UPDATE password_credentials SET superseded_at = ?
                WHERE account_id = ? AND superseded_at IS NULL
                """,
            arguments: [at, account])
        try db.execute(
            sql: """
                INSERT INTO password_credentials (organization_id, account_id, algorithm, parameters, salt, hash,
                    created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                organization, account, hash.algorithm, hash.parameters.json, hash.salt, hash.hash, at,
            ])
    }

    /// The account's current password hash, if it has one.
    func currentPassword(_ db: Database, account: String) throws -> PasswordHash? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT algorithm, parameters, salt, hash FROM password_credentials
                    WHERE account_id = ? AND superseded_at IS NULL
                    """,
                arguments: [account])
        else { return nil }
        return PasswordHash(
            algorithm: row["algorithm"], parameters: try PasswordParameters(json: row["parameters"]),
            salt: row["salt"], hash: row["hash"])
    }
}
