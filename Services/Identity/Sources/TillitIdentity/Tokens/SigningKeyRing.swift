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
/// the rotation period is replaced at the next token issued.
final class SigningKeyRing: Sendable {
    /// A published key and when it was created.
    struct PublishedKey: Sendable {
        var verification: VerificationKey
        var createdAt: Date
    }

    private struct State {
        var signer: AccessTokenSigner
        var createdAt: Int64
        var published: [PublishedKey]
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
        let initial = try Self.load(
            database: database, directory: directory, rotation: rotation, tokenLifetime: tokenLifetime,
            now: WireMapping.millis(now()))
        self.state = Mutex(initial)
    }

    /// The signer for a new token, rotating first if the current key is too old.
    func signer() throws -> AccessTokenSigner {
        let at = WireMapping.millis(now())
        let rotationMillis = rotation.components.seconds * 1000
        let current = state.withLock { $0.createdAt + rotationMillis > at ? $0.signer : nil }
        if let current { return current }
        return try rotate()
    }

    /// Every key a valid token may be signed with, newest first.
    func publishedKeys() -> [PublishedKey] {
        let at = Date(timeIntervalSince1970: Double(WireMapping.millis(now())) / 1000)
        return state.withLock { $0.published }.filter { $0.verification.notAfter > at }
    }

    /// Replaces the current key now (scheduled rotation, or after a suspected compromise of the
    /// old key's file — then also shorten its life by hand).
    @discardableResult
    func rotate() throws -> AccessTokenSigner {
        let fresh = try Self.load(
            database: database, directory: directory, rotation: rotation, tokenLifetime: tokenLifetime,
            now: WireMapping.millis(now()), forceNew: true)
        state.withLock { $0 = fresh }
        return fresh.signer
    }

    private static func load(
        database: IdentityDatabase, directory: String, rotation: Duration, tokenLifetime: Duration,
        now: Int64,
        forceNew: Bool = false
    ) throws -> State {
        let rotationMillis = rotation.components.seconds * 1000
        // A retired key must verify tokens issued just before retirement: lifetime plus a minute.
        let graceMillis = tokenLifetime.components.seconds * 1000 + 60_000
        return try database.writer.write { db in
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
            return State(signer: signer, createdAt: createdAt, published: published)
        }
    }

    private static func readPrivateKey(reference: String, directory: String) throws
        -> Curve25519.Signing.PrivateKey
    {
        guard reference.hasPrefix("file:") else {
            throw IdentityError(.internalError, "unsupported private key reference")
        }
        let name = String(reference.dropFirst("file:".count))
        guard !name.contains("/"), !name.hasPrefix(".") else {
            throw IdentityError(.internalError, "invalid private key reference")
        }
        let path = (directory as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw IdentityError(.internalError, "signing key file \(name) is missing or damaged")
        }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: data)
    }

    /// Writes the raw key to a new owner-only file and syncs it (and the directory) to disk.
    private static func writePrivateKey(_ key: Curve25519.Signing.PrivateKey, path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw IdentityError(.internalError, "cannot create signing key file (errno \(errno))")
        }
        defer { close(descriptor) }
        let bytes = Array(key.rawRepresentation)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw IdentityError(.internalError, "cannot write signing key file (errno \(errno))")
        }
        let directoryDescriptor = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
