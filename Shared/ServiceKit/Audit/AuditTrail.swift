import Crypto
import Foundation
import GRDB
import TillitStorage

/// The per-organisation, append-only, keyed hash chain every service keeps in its own database
/// (table `audit_events`, head in `audit_heads`).
///
/// `hash = HMAC-SHA-256(key[v], prev_hash ‖ canonical(row) ‖ v)` where `v` is the row's
/// `key_version` (`AuditKeys`, kept away from the database) and `canonical` is every column but
/// the hashes, each as a big-endian 32-bit length and its UTF-8 bytes (absent values as length
/// 0xFFFFFFFF), in a fixed order. Without the key no one can compute a valid link, so a writer
/// to the file cannot append, insert or alter rows unseen. The schema's triggers refuse edits,
/// deletions and inserts that do not extend the chain, and keep `audit_heads` at the last
/// event; `verify` finds rows changed behind the triggers' back, a cut tail (the chain must end
/// at its head), and, given an `AuditCheckpoint` kept elsewhere, a chain cut back to before the
/// checkpoint together with its head.
public struct AuditTrail: Sendable {
    /// The link of the first event.
    public static let genesis = Data(repeating: 0, count: 32)

    /// The keys sealing and verifying events.
    public let keys: AuditKeys

    /// A trail sealed with `keys`.
    public init(keys: AuditKeys) {
        self.keys = keys
    }

    /// The migrations a new service registers for its trail: the events table (no foreign key,
    /// so any service can keep one), the anchored head and the keyed seal.
    public static func migrations(keys: AuditKeys) -> [Migrations.Migration] {
        [
            Migrations.Migration("audit-v1-events", migrate: createEvents),
            Migrations.Migration("audit-v1-heads", migrate: createHeads),
            sealMigration(keys: keys),
        ]
    }

    /// Appends `event` to `actor.organization`'s chain inside the caller's write transaction,
    /// sealed with the current key.
    public func append(_ event: AuditEvent, by actor: AuditActor, at: Int64, db: Database) throws {
        // Through the statement cache and without a `Row`: every audited call runs this.
        let last = try db.cachedFirst(
            sql: "SELECT seq, hash FROM audit_heads WHERE organization_id = ?",
            arguments: [actor.organization]
        ) { row in (try row.value(0) as Int64, try row.value(1) as Data) }
        let seq = (last?.0 ?? 0) + 1
        let previous = last?.1 ?? Self.genesis
        let version = keys.currentVersion
        let hash = Self.seal(
            previous: previous, sequence: seq, at: at, actor: actor, event: event, keyVersion: version,
            authenticator: keys.current)
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO audit_events (organization_id, seq, at, actor, on_behalf_of, via, action, outcome,
                    subject, client, request_id, detail, prev_hash, hash, key_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            actor.organization, seq, at, actor.actor, actor.onBehalfOf, actor.via, event.action,
            event.outcome.rawValue, event.subject, event.client, actor.requestID, event.detail, previous,
            hash, version,
        ])
    }

    /// The head of `organization`'s chain now.
    public static func checkpoint(organization: String, db: Database) throws -> AuditCheckpoint {
        let head = try Row.fetchOne(
            db, sql: "SELECT seq, hash FROM audit_heads WHERE organization_id = ?", arguments: [organization])
        return AuditCheckpoint(
            organization: organization, sequence: head?["seq"] ?? 0,
            hash: AuditCheckpoint.hex(head?["hash"] ?? genesis))
    }

    /// The heads of every organisation's chain now, by organisation id.
    public static func checkpoints(db: Database) throws -> [AuditCheckpoint] {
        try Row.fetchAll(
            db, sql: "SELECT organization_id, seq, hash FROM audit_heads ORDER BY organization_id"
        )
        .map {
            AuditCheckpoint(
                organization: $0["organization_id"], sequence: $0["seq"],
                hash: AuditCheckpoint.hex($0["hash"]))
        }
    }

    /// The events matching `query` in `organization`, newest first.
    public static func list(_ query: AuditQuery, organization: String, db: Database) throws -> [AuditRecord] {
        let (sql, arguments) = listStatement(query, organization: organization)
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
            record($0, organization: organization)
        }
    }

    /// The SQL and arguments of ``list(_:organization:db:)``: only the filters `query` sets, so
    /// SQLite can search `audit_events_by_client` or `audit_events_by_actor` (a `? IS NULL OR
    /// client = ?` term hides them from the planner, which then reads the whole organisation).
    static func listStatement(_ query: AuditQuery, organization: String) -> (String, StatementArguments) {
        var terms = ["organization_id = ?"]
        var arguments: StatementArguments = [organization]
        func filter(_ term: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            terms.append(term)
            arguments += [value]
        }
        filter("client = ?", query.client)
        filter("actor = ?", query.actor)
        filter("action = ?", query.action.isEmpty ? nil : query.action)
        filter("at >= ?", query.from)
        filter("at < ?", query.until)
        filter("seq < ?", query.before)
        arguments += [query.limit]
        let sql = """
            SELECT seq, at, actor, on_behalf_of, via, action, outcome, subject, client, request_id, detail,
                prev_hash, hash, key_version
            FROM audit_events
            WHERE \(terms.joined(separator: " AND "))
            ORDER BY seq DESC LIMIT ?
            """
        return (sql, arguments)
    }

    /// Recomputes `organization`'s chain from the start with the keys, checks it ends at its
    /// head and, when given, that it holds `checkpoint`'s event unchanged.
    public func verify(
        organization: String, checkpoint: AuditCheckpoint? = nil, db: Database
    ) throws -> AuditVerification {
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, at, actor, on_behalf_of, via, action, outcome, subject, client, request_id, detail,
                    prev_hash, hash, key_version
                FROM audit_events WHERE organization_id = ? ORDER BY seq
                """,
            arguments: [organization])
        if let checkpoint, checkpoint.organization != organization {
            return AuditVerification(
                intact: false, checked: 0, firstBroken: 1,
                problem: "the checkpoint is of another organisation")
        }
        var expectedSeq: Int64 = 1
        var previous = Self.genesis
        var checked: UInt64 = 0
        func broken(_ sequence: Int64, _ problem: String) -> AuditVerification {
            AuditVerification(
                intact: false, checked: checked, firstBroken: UInt64(max(sequence, 1)), problem: problem)
        }
        while let row = try cursor.next() {
            let stored = Self.record(row, organization: organization)
            let version: Int = row["key_version"]
            if stored.sequence != expectedSeq {
                return broken(
                    expectedSeq,
                    expectedSeq == 1 ? "chain does not start at 1" : "gap after \(expectedSeq - 1)")
            }
            if stored.previousHash != previous {
                return broken(stored.sequence, "link to previous event broken")
            }
            guard let authenticator = keys.authenticator(version: version) else {
                return broken(
                    stored.sequence,
                    version == 0
                        ? "event is not sealed with a key"
                        : "sealed with audit key version \(version), which this service does not hold")
            }
            let expected = Self.seal(
                previous: previous, sequence: stored.sequence, at: stored.at, actor: stored.actor,
                event: stored.event, keyVersion: version, authenticator: authenticator)
            if !ConstantTime.equal(expected, stored.hash) {
                return broken(stored.sequence, "hash mismatch")
            }
            if let checkpoint, checkpoint.sequence == stored.sequence,
                checkpoint.hash != AuditCheckpoint.hex(stored.hash)
            {
                return broken(stored.sequence, "event \(stored.sequence) differs from the checkpoint")
            }
            checked += 1
            previous = stored.hash
            expectedSeq += 1
        }
        let head = try Row.fetchOne(
            db, sql: "SELECT seq, hash FROM audit_heads WHERE organization_id = ?", arguments: [organization])
        let headSeq: Int64 = head?["seq"] ?? 0
        let headHash: Data = head?["hash"] ?? Self.genesis
        if headSeq != expectedSeq - 1 || headHash != previous {
            return broken(expectedSeq, "chain ends at \(expectedSeq - 1) but its head is \(headSeq)")
        }
        if let checkpoint {
            if checkpoint.sequence > expectedSeq - 1 {
                return broken(
                    expectedSeq,
                    "chain ends at \(expectedSeq - 1), before the checkpoint at \(checkpoint.sequence)")
            }
            if checkpoint.sequence == 0, checkpoint.hash != AuditCheckpoint.hex(Self.genesis) {
                return broken(1, "the checkpoint's hash is not the genesis link")
            }
        }
        return AuditVerification(intact: true, checked: checked, firstBroken: 0, problem: "")
    }

    static func record(_ row: Row, organization: String) -> AuditRecord {
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

    /// The seal of one row: HMAC-SHA-256 with `authenticator`'s key (an HMAC that has
    /// authenticated nothing yet) over the previous hash, the canonical encoding of the row and
    /// the key version.
    static func seal(
        previous: Data, sequence: Int64, at: Int64, actor: AuditActor, event: AuditEvent, keyVersion: Int,
        authenticator: HMAC<SHA256>
    ) -> Data {
        var bytes = canonical(sequence: sequence, at: at, actor: actor, event: event)
        append(String(keyVersion), to: &bytes)
        var mac = authenticator
        mac.update(data: previous)
        mac.update(data: bytes)
        return Data(mac.finalize())
    }

    /// The unkeyed link of events written before the trail was keyed (`audit-v2-keyed` reseals
    /// them): SHA-256 over the previous hash and the canonical encoding.
    static func legacyHash(
        previous: Data, sequence: Int64, at: Int64, actor: AuditActor, event: AuditEvent
    ) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: canonical(sequence: sequence, at: at, actor: actor, event: event))
        return Data(hasher.finalize())
    }

    /// Every column but the hashes, each as a big-endian 32-bit length and its UTF-8 bytes
    /// (absent as 0xFFFFFFFF); `via` only when present (rows from before it keep their bytes).
    private static func canonical(sequence: Int64, at: Int64, actor: AuditActor, event: AuditEvent) -> [UInt8]
    {
        var bytes = [UInt8]()
        bytes.reserveCapacity(256)
        append(actor.organization, to: &bytes)
        append(String(sequence), to: &bytes)
        append(String(at), to: &bytes)
        append(actor.actor, to: &bytes)
        append(actor.onBehalfOf, to: &bytes)
        append(event.action, to: &bytes)
        append(event.outcome.rawValue, to: &bytes)
        append(event.subject, to: &bytes)
        append(event.client, to: &bytes)
        append(actor.requestID, to: &bytes)
        append(event.detail, to: &bytes)
        if let via = actor.via { append(via, to: &bytes) }
        return bytes
    }

    private static func append(_ value: String?, to bytes: inout [UInt8]) {
        guard let value else {
            bytes.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
            return
        }
        let count = UInt32(value.utf8.count)
        bytes.append(UInt8(truncatingIfNeeded: count >> 24))
        bytes.append(UInt8(truncatingIfNeeded: count >> 16))
        bytes.append(UInt8(truncatingIfNeeded: count >> 8))
        bytes.append(UInt8(truncatingIfNeeded: count))
        bytes.append(contentsOf: value.utf8)
    }
}
