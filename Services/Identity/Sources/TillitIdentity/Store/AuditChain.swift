import Crypto
import Foundation
import GRDB

/// The per-organisation, append-only, hash-chained audit trail.
///
/// `hash = SHA-256(prev_hash ‖ canonical(row))` where `canonical` is every column but the hashes,
/// each as a big-endian 32-bit length and its UTF-8 bytes (absent values as length 0xFFFFFFFF),
/// in a fixed order. The schema's triggers refuse edits, deletions and inserts that do not
/// extend the chain; `verify` finds rows changed behind the triggers' back.
enum AuditChain {
    /// The link of the first event.
    static let genesis = Data(repeating: 0, count: 32)

    /// Appends `entry` to `organization`'s chain inside the caller's write transaction.
    static func append(
        _ entry: AuditEntry, organization: String, at: Int64, requestID: String, db: Database
    ) throws {
        let last = try Row.fetchOne(
            db,
            sql: "SELECT seq, hash FROM audit_events WHERE organization_id = ? ORDER BY seq DESC LIMIT 1",
            arguments: [organization])
        let seq: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let previous: Data = last?["hash"] ?? genesis
        let row = ChainRow(
            organization: organization, seq: seq, at: at, actor: entry.actor, onBehalfOf: entry.onBehalfOf,
            action: entry.action, outcome: entry.outcome.rawValue, subject: entry.subject,
            client: entry.client,
            requestID: String(requestID.prefix(128)), detail: entry.detail)
        let hash = row.hash(previous: previous)
        try db.execute(
            sql: """
                INSERT INTO audit_events (organization_id, seq, at, actor, on_behalf_of, action, outcome,
                    subject, client, request_id, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                organization, seq, at, entry.actor, entry.onBehalfOf, entry.action, entry.outcome.rawValue,
                entry.subject, entry.client, row.requestID, entry.detail, previous, hash,
            ])
    }

    /// The outcome of recomputing a chain.
    struct Verification: Sendable, Equatable {
        /// Whether every row is in place and unaltered.
        var intact: Bool
        /// Rows read.
        var checked: UInt64
        /// The first bad sequence number (0 when intact).
        var firstBroken: UInt64
        /// What is wrong there.
        var problem: String
    }

    /// Recomputes `organization`'s chain from the start.
    static func verify(organization: String, db: Database) throws -> Verification {
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, at, actor, on_behalf_of, action, outcome, subject, client, request_id, detail,
                    prev_hash, hash
                FROM audit_events WHERE organization_id = ? ORDER BY seq
                """,
            arguments: [organization])
        var expectedSeq: Int64 = 1
        var previous = genesis
        var checked: UInt64 = 0
        while let row = try cursor.next() {
            let seq: Int64 = row["seq"]
            if seq != expectedSeq {
                return Verification(
                    intact: false, checked: checked, firstBroken: UInt64(max(expectedSeq, 1)),
                    problem: expectedSeq == 1 ? "chain does not start at 1" : "gap after \(expectedSeq - 1)")
            }
            let prevHash: Data = row["prev_hash"]
            if prevHash != previous {
                return Verification(
                    intact: false, checked: checked, firstBroken: UInt64(seq),
                    problem: "link to previous event broken")
            }
            let chainRow = ChainRow(
                organization: organization, seq: seq, at: row["at"], actor: row["actor"],
                onBehalfOf: row["on_behalf_of"], action: row["action"], outcome: row["outcome"],
                subject: row["subject"], client: row["client"], requestID: row["request_id"],
                detail: row["detail"])
            let hash: Data = row["hash"]
            if chainRow.hash(previous: previous) != hash {
                return Verification(
                    intact: false, checked: checked, firstBroken: UInt64(seq), problem: "hash mismatch")
            }
            checked += 1
            previous = hash
            expectedSeq += 1
        }
        return Verification(intact: true, checked: checked, firstBroken: 0, problem: "")
    }
}

/// The hashed content of one audit row.
private struct ChainRow {
    var organization: String
    var seq: Int64
    var at: Int64
    var actor: String?
    var onBehalfOf: String?
    var action: String
    var outcome: String
    var subject: String?
    var client: String?
    var requestID: String
    var detail: String

    func hash(previous: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
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
        field(organization)
        field(String(seq))
        field(String(at))
        field(actor)
        field(onBehalfOf)
        field(action)
        field(outcome)
        field(subject)
        field(client)
        field(requestID)
        field(detail)
        hasher.update(data: bytes)
        return Data(hasher.finalize())
    }
}
