import Foundation
import GRDB
import TillitServiceKit
import TillitStorage

/// An account as stored, with its roles and profile: what the store returns and handlers decide
/// on and answer with (`AccountRecord+Wire.swift`).
struct AccountRecord: Sendable, Equatable {
    var id: String
    var organization: String
    var kind: AccountKind
    var status: AccountStatus
    var email: String?
    var displayName: String
    var roles: [Role]
    var totpEnabled: Bool
    var createdAt: Int64
    var deactivatedAt: Int64?
    var discipline: String
    var staffLanguages: [String]
    var licence: LicenceStatus?
    var supervisor: String?
    var clientTimeZone: String
    var clientLanguages: [String]
    var serviceDescription: String
    /// Whether the account's practice requires TOTP of every staff account.
    var organizationRequiresStaffTotp: Bool

    var isActive: Bool { status == .active }
    var isStaff: Bool { kind == .staff }
    var isClient: Bool { kind == .client }
    var isService: Bool { kind == .service }

    /// The columns `init(row:)` reads, for `FROM accounts a`.
    static let selection = """
        SELECT a.id, a.organization_id, a.kind, a.status, a.email, a.display_name, a.created_at,
            a.deactivated_at, sp.discipline, sp.languages AS staff_languages, sp.licence_status,
            sp.supervisor_account_id, cp.time_zone AS client_time_zone, cp.languages AS client_languages,
            svc.description AS service_description,
            (SELECT group_concat(role, ',') FROM account_roles r WHERE r.account_id = a.id) AS roles,
            EXISTS (SELECT 1 FROM totp_secrets t WHERE t.account_id = a.id
                AND t.confirmed_at IS NOT NULL AND t.disabled_at IS NULL) AS totp_enabled,
            (SELECT o.staff_totp_required FROM organizations o WHERE o.id = a.organization_id)
                AS staff_totp_required
        FROM accounts a
        LEFT JOIN staff_profiles sp ON sp.account_id = a.id
        LEFT JOIN client_profiles cp ON cp.account_id = a.id
        LEFT JOIN service_profiles svc ON svc.account_id = a.id
        """

    /// Reads a row selected with `selection`.
    init(row: Row) {
        id = row["id"]
        organization = row["organization_id"]
        kind = row["kind"]
        status = row["status"]
        email = row["email"]
        displayName = row["display_name"]
        createdAt = row["created_at"]
        deactivatedAt = row["deactivated_at"]
        discipline = row["discipline"] ?? ""
        staffLanguages = LanguageColumn.decode(row["staff_languages"])
        licence = row["licence_status"]
        supervisor = row["supervisor_account_id"]
        clientTimeZone = row["client_time_zone"] ?? ""
        clientLanguages = LanguageColumn.decode(row["client_languages"])
        serviceDescription = row["service_description"] ?? ""
        let roleList: String? = row["roles"]
        roles = (roleList ?? "").split(separator: ",").compactMap { Role(rawValue: String($0)) }.sorted()
        totpEnabled = row["totp_enabled"]
        organizationRequiresStaffTotp = row["staff_totp_required"] ?? true
    }

    private static let byID = selection + " WHERE a.organization_id = ? AND a.id = ?"
    private static let byEmail = selection + " WHERE a.organization_id = ? AND a.email = ?"

    /// The account `id` of `organization`, or nil (also for another organisation's id); the
    /// statement is prepared once per connection (the statement cache).
    static func fetch(_ db: Database, organization: String, id: String) throws -> AccountRecord? {
        try db.cachedRow(sql: byID, arguments: [organization, id]).map(AccountRecord.init(row:))
    }

    /// The account with login `email` in `organization`, or nil.
    static func fetch(_ db: Database, organization: String, email: String) throws -> AccountRecord? {
        try db.cachedRow(sql: byEmail, arguments: [organization, email]).map(AccountRecord.init(row:))
    }
}
