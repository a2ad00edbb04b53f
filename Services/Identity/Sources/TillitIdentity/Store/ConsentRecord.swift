import Foundation
import GRDB

/// A stored consent.
struct ConsentRecord: Sendable {
    var id: String
    var organization: String
    var client: String
    var kind: ConsentKind
    var practitioner: String?
    var grantedAt: Int64
    var recordedBy: String
    var howGiven: String?
    var revokedAt: Int64?
    var revokedBy: String?
    var revocationHowGiven: String?

    /// The columns `init(row:)` reads, for `FROM consents`.
    static let selection = """
        SELECT id, organization_id, client_account_id, kind, practitioner_account_id, granted_at, recorded_by,
            how_given, revoked_at, revoked_by, revocation_how_given
        FROM consents
        """

    /// Reads a row selected with `selection`.
    init(row: Row) {
        id = row["id"]
        organization = row["organization_id"]
        client = row["client_account_id"]
        kind = row["kind"]
        practitioner = row["practitioner_account_id"]
        grantedAt = row["granted_at"]
        recordedBy = row["recorded_by"]
        howGiven = row["how_given"]
        revokedAt = row["revoked_at"]
        revokedBy = row["revoked_by"]
        revocationHowGiven = row["revocation_how_given"]
    }

    /// The consent `id` of `organization`, or nil (also for another organisation's id).
    static func fetch(_ db: Database, organization: String, id: String) throws -> ConsentRecord? {
        try Row.fetchOne(
            db, sql: selection + " WHERE organization_id = ? AND id = ?", arguments: [organization, id]
        )
        .map(ConsentRecord.init(row:))
    }

    /// The consent in force for (client, kind, practitioner), if any; served by the
    /// `consents_in_force` index.
    static func inForce(_ db: Database, client: String, kind: ConsentKind, practitioner: String?) throws
        -> ConsentRecord?
    {
        try Row.fetchOne(
            db,
            sql: selection + """
                 WHERE client_account_id = ? AND kind = ? AND coalesce(practitioner_account_id, '') = ?
                    AND revoked_at IS NULL
                """,
            arguments: [client, kind, practitioner ?? ""]
        ).map(ConsentRecord.init(row:))
    }

    /// What `CheckConsent` needs, in one statement through a cached statement: whether the caller
    /// is still active, whether `client` is a client of `organization`, and the consent in force.
    static func check(
        _ db: Database, organization: String, caller: String, client: String, kind: ConsentKind,
        practitioner: String?
    ) throws -> ConsentCheck {
        let statement = try db.cachedStatement(
            sql: """
                SELECT
                    (SELECT status = 'active' FROM accounts WHERE organization_id = ?1 AND id = ?2),
                    (SELECT kind = 'client' FROM accounts WHERE organization_id = ?1 AND id = ?3),
                    c.id, c.granted_at
                FROM (SELECT 1) LEFT JOIN consents c ON c.client_account_id = ?3 AND c.kind = ?4
                    AND coalesce(c.practitioner_account_id, '') = ?5 AND c.revoked_at IS NULL
                """)
        guard
            let row = try Row.fetchOne(
                statement, arguments: [organization, caller, client, kind, practitioner ?? ""])
        else { return ConsentCheck(callerActive: false, clientExists: false, inForce: nil) }
        let id: String? = row[2]
        return ConsentCheck(
            callerActive: row[0] ?? false, clientExists: row[1] ?? false,
            inForce: id.map { ConsentCheck.InForce(id: $0, grantedAt: row[3]) })
    }
}
