import Crypto
import Foundation
import GRDB
import TillitStorage

/// The per-organisation, append-only, hash-chained audit trail every service keeps in its own
/// database (table `audit_events`, head in `audit_heads`).
///
/// `hash = SHA-256(prev_hash ‖ canonical(row))` where `canonical` is every column but the
/// hashes, each as a big-endian 32-bit length and its UTF-8 bytes (absent values as length
/// 0xFFFFFFFF), in a fixed order; `via` is appended only when present, so rows written before
/// it existed keep their hashes. The schema's triggers refuse edits, deletions and inserts that
/// do not extend the chain, and keep `audit_heads` at the last event; `verify` finds rows
/// changed behind the triggers' back, including a cut tail (the chain must end at its head).
public enum AuditTrail {
    /// The link of the first event.
    public static let genesis = Data(repeating: 0, count: 32)

    /// The migrations a new service registers for its trail: the events table (no foreign key,
    /// so any service can keep one) and the anchored head.
    public static let migrations: [Migrations.Migration] = [
        Migrations.Migration("audit-v1-events", migrate: createEvents),
        Migrations.Migration("audit-v1-heads", migrate: createHeads),
    ]

    /// Appends `event` to `actor.organization`'s chain inside the caller's write transaction.
    public static func append(_ event: AuditEvent, by actor: AuditActor, at: Int64, db: Database) throws {
        let last = try Row.fetchOne(
            db,
            sql: "SELECT seq, hash FROM audit_heads WHERE organization_id = ?",
            arguments: [actor.organization])
        let seq: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let previous: Data = last?["hash"] ?? genesis
        let hash = canonicalHash(
            previous: previous, sequence: seq, at: at, actor: actor, event: event)
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO audit_events (organization_id, seq, at, actor, on_behalf_of, via, action, outcome,
                    subject, client, request_id, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            actor.organization, seq, at, actor.actor, actor.onBehalfOf, actor.via, event.action,
            event.outcome.rawValue, event.subject, event.client, actor.requestID, event.detail, previous,
            hash,
        ])
    }

    /// The events matching `query` in `organization`, newest first.
    public static func list(_ query: AuditQuery, organization: String, db: Database) throws -> [AuditRecord] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, at, actor, on_behalf_of, via, action, outcome, subject, client, request_id, detail,
                    prev_hash, hash
                FROM audit_events
                WHERE organization_id = ? AND (? IS NULL OR actor = ?) AND (? IS NULL OR client = ?)
                    AND (? = '' OR action = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)
                    AND (? IS NULL OR seq < ?)
                ORDER BY seq DESC LIMIT ?
                """,
            arguments: [
                organization, query.actor, query.actor, query.client, query.client, query.action,
                query.action,
                query.from, query.from, query.until, query.until, query.before, query.before, query.limit,
            ])
        return rows.map { record($0, organization: organization) }
    }

    /// Recomputes `organization`'s chain from the start and checks it ends at its head.
    public static func verify(organization: String, db: Database) throws -> AuditVerification {
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, at, actor, on_behalf_of, via, action, outcome, subject, client, request_id, detail,
                    prev_hash, hash
                FROM audit_events WHERE organization_id = ? ORDER BY seq
                """,
            arguments: [organization])
        var expectedSeq: Int64 = 1
        var previous = genesis
        var checked: UInt64 = 0
        while let row = try cursor.next() {
            let stored = record(row, organization: organization)
            if stored.sequence != expectedSeq {
                return AuditVerification(
                    intact: false, checked: checked, firstBroken: UInt64(max(expectedSeq, 1)),
                    problem: expectedSeq == 1 ? "chain does not start at 1" : "gap after \(expectedSeq - 1)")
            }
            if stored.previousHash != previous {
                return AuditVerification(
                    intact: false, checked: checked, firstBroken: UInt64(stored.sequence),
                    problem: "link to previous event broken")
            }
            let expected = canonicalHash(
                previous: previous, sequence: stored.sequence, at: stored.at, actor: stored.actor,
                event: stored.event)
            if expected != stored.hash {
                return AuditVerification(
                    intact: false, checked: checked, firstBroken: UInt64(stored.sequence),
                    problem: "hash mismatch")
            }
            checked += 1
            previous = stored.hash
            expectedSeq += 1
        }
        let head = try Row.fetchOne(
            db, sql: "SELECT seq, hash FROM audit_heads WHERE organization_id = ?", arguments: [organization])
        let headSeq: Int64 = head?["seq"] ?? 0
        let headHash: Data = head?["hash"] ?? genesis
        if headSeq != expectedSeq - 1 || headHash != previous {
            return AuditVerification(
                intact: false, checked: checked, firstBroken: UInt64(expectedSeq),
                problem: "chain ends at \(expectedSeq - 1) but its head is \(headSeq)")
        }
        return AuditVerification(intact: true, checked: checked, firstBroken: 0, problem: "")
    }

    private static func record(_ row: Row, organization: String) -> AuditRecord {
        AuditRecord(
            sequence: row["seq"], at: row["at"],
            actor: AuditActor(
                organization: organization, actor: row["actor"], onBehalfOf: row["on_behalf_of"],
                via: row["via"], requestID: row["request_id"]),
            event: AuditEvent(
                row["action"], outcome: AuditEvent.Outcome(rawValue: row["outcome"]) ?? .failure,
                subject: row["subject"], client: row["client"], detail: row["detail"]),
            previousHash: row["prev_hash"], hash: row["hash"])
    }

    /// SHA-256 over the previous hash and the canonical encoding of one row.
    static func canonicalHash(
        previous: Data, sequence: Int64, at: Int64, actor: AuditActor, event: AuditEvent
    ) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(256)
        func field(_ value: String?) {
            guard let value else {
                bytes.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
                return
            }
            let utf8 = Array(value.utf8)
            let count = UInt32(utf8.count)
            bytes.append(contentsOf: [
                UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count),
            ])
            bytes.append(contentsOf: utf8)
        }
        field(actor.organization)
        field(String(sequence))
        field(String(at))
        field(actor.actor)
        field(actor.onBehalfOf)
        field(event.action)
        field(event.outcome.rawValue)
        field(event.subject)
        field(event.client)
        field(actor.requestID)
        field(event.detail)
        if let via = actor.via { field(via) }
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: bytes)
        return Data(hasher.finalize())
    }
}
