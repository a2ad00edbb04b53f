import Crypto
import Foundation
import GRDB
import Synchronization
import TillitServiceKit

/// Identity's Ed25519 signing keys: the current one signs new access tokens; retired ones stay
/// published until every token they signed has expired.
///
/// Private keys live in owner-only files under `<data>/keys/` (written and synced before the
/// database row that names them), public keys and lifetimes in `signing_keys`. A key older than
/// the rotation period is replaced at the next token issued: once, however many logins find it
/// due at the same moment (they wait for one rotation between them), and off the event loop —
/// the write and the key file's fsync run on GRDB's writer while the callers are suspended. The
/// check and the replacement are one write transaction, so two processes cannot both rotate.
final class SigningKeyRing: Sendable {
    /// A published key and when it was created.
    struct PublishedKey: Sendable {
        var verification: VerificationKey
        var createdAt: Date
    }

    private struct Keys: Sendable {
        var signer: AccessTokenSigner
        var createdAt: Int64
        var published: [PublishedKey]
    }

    private struct State {
        var keys: Keys
        /// The rotation in flight, if any; at most one at a time.
        var rotation: Task<Keys, any Error>?
    }

    private let database: IdentityDatabase
    private let directory: String
    private let rotation: Duration
    private let tokenLifetime: Duration
    private let now: @Sendable () -> Date
    private let state: Mutex<State>

    /// Loads the current key, creating the first one (or a replacement for an expired one).
    init(
        database: IdentityDatabase, dataDirectory: String, rotation: Duration, tokenLifetime: Duration,
        now: @escaping @Sendable () -> Date
    ) throws {
        self.database = database
        self.directory = (dataDirectory as NSString).appendingPathComponent("keys")
        self.rotation = rotation
        self.tokenLifetime = tokenLifetime
        self.now = now
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let initial = try database.writer.write { [directory] db in
            try Self.load(
                db, directory: directory, rotation: rotation, tokenLifetime: tokenLifetime,
                now: WireMapping.millis(now()))
        }
        self.state = Mutex(State(keys: initial))
    }

    /// The signer for a new token. While the current key is young this is a lock and a
    /// comparison; once it is due, the first caller starts the one rotation and every caller
    /// awaits it. Should the rotation fail, the old key (valid for another rotation period)
    /// still signs, and the next call tries again.
    func signer() async throws -> AccessTokenSigner {
        let at = WireMapping.millis(now())
        let rotationMillis = rotation.components.seconds * 1000
        let (keys, pending) = state.withLock { state -> (Keys, Task<Keys, any Error>?) in
            guard state.keys.createdAt + rotationMillis <= at else { return (state.keys, nil) }
            if let running = state.rotation { return (state.keys, running) }
            let task = Task { try await self.replace(force: false) }
            state.rotation = task
            return (state.keys, task)
        }
        guard let pending else { return keys.signer }
        do {
            return try await pending.value.signer
        } catch {
            guard keys.createdAt + 2 * rotationMillis > at else {
                throw ServiceError.unavailable(
                    "the signing key has expired and cannot be replaced", cause: error)
            }
            return keys.signer
        }
    }

    /// Every key a valid token may be signed with, newest first.
    func publishedKeys() -> [PublishedKey] {
        let at = Date(timeIntervalSince1970: Double(WireMapping.millis(now())) / 1000)
        return state.withLock { $0.keys.published }.filter { $0.verification.notAfter > at }
    }

    /// Replaces the current key now (after a suspected compromise of the old key's file — then
    /// also shorten its life by hand).
    @discardableResult
    func rotate() async throws -> AccessTokenSigner {
        try await replace(force: true).signer
    }

    /// Replaces the key in one write transaction if it is (still) due or `force`, publishes the
    /// result and clears the in-flight marker.
    private func replace(force: Bool) async throws -> Keys {
        let directory = self.directory
        let rotation = self.rotation
        let tokenLifetime = self.tokenLifetime
        let at = WireMapping.millis(now())
        do {
            let fresh = try await database.writer.write { db in
                try Self.load(
                    db, directory: directory, rotation: rotation, tokenLifetime: tokenLifetime, now: at,
                    forceNew: force)
            }
            state.withLock {
                $0.keys = fresh
                $0.rotation = nil
            }
            return fresh
        } catch {
            state.withLock { $0.rotation = nil }
            throw error
        }
    }

    /// The current key and the published ones, inside a write transaction: retires the current
    /// key and creates a new one when it is due (or `forceNew`), so the check and the rotation
    /// are one atomic step however many callers race.
    private static func load(
        _ db: Database, directory: String, rotation: Duration, tokenLifetime: Duration, now: Int64,
        forceNew: Bool = false
    ) throws -> Keys {
        let rotationMillis = rotation.components.seconds * 1000
        // A retired key must verify tokens issued just before retirement: lifetime plus a minute.
        let graceMillis = tokenLifetime.components.seconds * 1000 + 60_000
        var current = try Row.fetchOne(
            db,
            sql: """
                SELECT key_id, private_key_reference, created_at FROM signing_keys
                WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1
                """)
        if let row = current, forceNew || (row["created_at"] as Int64) + rotationMillis <= now {
            try db.execute(
                sql: "UPDATE signing_keys SET retired_at = ?, not_after = ? WHERE retired_at IS NULL",
                arguments: [now, now + graceMillis])
            current = nil
        }
        let signer: AccessTokenSigner
        let createdAt: Int64
        if let row = current {
            let reference: String = row["private_key_reference"]
            signer = AccessTokenSigner(
                keyID: row["key_id"],
                privateKey: try readPrivateKey(reference: reference, directory: directory))
            createdAt = row["created_at"]
        } else {
            let key = Curve25519.Signing.PrivateKey()
            let keyID = "ed25519-" + String(IdentityStore.newID().prefix(13))
            let file = "\(keyID).key"
            try writePrivateKey(key, path: (directory as NSString).appendingPathComponent(file))
            // Valid for the rotation period plus the grace of the last token it signs; retiring
            // shortens not_after to that grace.
            try db.execute(
                sql: """
                    INSERT INTO signing_keys (key_id, algorithm, public_key, private_key_reference, created_at,
                        not_after)
                    VALUES (?, 'ed25519', ?, ?, ?, ?)
                    """,
                arguments: [
                    keyID, key.publicKey.rawRepresentation, "file:\(file)", now,
                    now + rotationMillis * 2 + graceMillis,
                ])
            signer = AccessTokenSigner(keyID: keyID, privateKey: key)
            createdAt = now
        }
        let published = try Row.fetchAll(
            db,
            sql: """
                SELECT key_id, public_key, created_at, not_after FROM signing_keys
                WHERE not_after > ? ORDER BY created_at DESC
                """,
            arguments: [now]
        ).compactMap { row -> PublishedKey? in
            let raw: Data = row["public_key"]
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return nil }
            let notAfter: Int64 = row["not_after"]
            let created: Int64 = row["created_at"]
            return PublishedKey(
                verification: VerificationKey(
                    keyID: row["key_id"], publicKey: key,
                    notAfter: Date(timeIntervalSince1970: Double(notAfter) / 1000)),
                createdAt: Date(timeIntervalSince1970: Double(created) / 1000))
        }
        return Keys(signer: signer, createdAt: createdAt, published: published)
    }

    private static func readPrivateKey(reference: String, directory: String) throws
        -> Curve25519.Signing.PrivateKey
    {
        guard reference.hasPrefix("file:") else {
            throw ServiceError(.internalError, "unsupported private key reference")
        }
        let name = String(reference.dropFirst("file:".count))
        guard !name.contains("/"), !name.hasPrefix(".") else {
            throw ServiceError(.internalError, "invalid private key reference")
        }
        let path = (directory as NSString).appendingPathComponent(name)
        guard let data = try KeyFile.read(path, length: 32) else {
            throw ServiceError(.internalError, "signing key file \(name) is missing")
        }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: data)
    }

    /// Writes the raw key to a new owner-only file and syncs it (and the folder) to disk.
    private static func writePrivateKey(_ key: Curve25519.Signing.PrivateKey, path: String) throws {
        try KeyFile.create(path, bytes: key.rawRepresentation)
    }
}
