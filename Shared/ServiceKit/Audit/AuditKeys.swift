import Crypto
import Foundation

/// The HMAC-SHA-256 keys that seal an audit chain, by version: new events are sealed with
/// `currentVersion`, older events verify with the version they name. Kept away from the database
/// (configuration or a key file; see docs/security.md), so whoever can write the SQLite file
/// cannot forge a link.
public struct AuditKeys: Sendable {
    /// An HMAC-SHA-256 ready to seal with each version's key (the key's pads hashed once, here;
    /// a copy per event).
    private let authenticators: [Int: HMAC<SHA256>]
    /// The version new events are sealed with.
    public let currentVersion: Int

    /// A key ring; throws `ConfigurationError` when `currentVersion` has no key or a key is not
    /// 32 bytes.
    public init(keys: [Int: Data], currentVersion: Int? = nil) throws {
        guard let version = currentVersion ?? keys.keys.max() else {
            throw ConfigurationError(variable: "TILLIT_AUDIT_KEYS", message: "no audit key")
        }
        guard keys[version] != nil else {
            throw ConfigurationError(
                variable: "TILLIT_AUDIT_KEY_VERSION", message: "no audit key of version \(version)")
        }
        guard version >= 1, keys.keys.allSatisfy({ $0 >= 1 }), keys.values.allSatisfy({ $0.count == 32 })
        else {
            throw ConfigurationError(
                variable: "TILLIT_AUDIT_KEYS", message: "audit keys are versions ≥ 1 of 32 bytes each")
        }
        self.authenticators = keys.mapValues { HMAC<SHA256>(key: SymmetricKey(data: $0)) }
        self.currentVersion = version
    }

    /// An HMAC keyed with `version`'s key, nothing authenticated yet; nil when this ring does
    /// not hold the version.
    func authenticator(version: Int) -> HMAC<SHA256>? {
        authenticators[version]
    }

    /// An HMAC keyed with the current key, nothing authenticated yet.
    var current: HMAC<SHA256> {
        authenticators[currentVersion]!
    }

    /// The keys `configuration` names: `TILLIT_AUDIT_KEYS` when set, otherwise version 1 read
    /// from (or, on first start, created in) `configuration.auditKeyFile`, owner-only.
    ///
    /// - Throws: `ConfigurationError` for unusable settings, `KeyFile.Failure` for an unusable
    ///   key file.
    public static func load(_ configuration: ServiceConfiguration) throws -> AuditKeys {
        if !configuration.auditKeys.isEmpty {
            return try AuditKeys(keys: configuration.auditKeys, currentVersion: configuration.auditKeyVersion)
        }
        let data = try KeyFile.loadOrCreate(configuration.auditKeyFile, length: 32) {
            SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        }
        return try AuditKeys(keys: [1: data], currentVersion: 1)
    }

    /// A random single-version ring (tests, throwaway databases).
    public static func random() -> AuditKeys {
        let data = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // A generated 32-byte version-1 key always makes a valid ring.
        return try! AuditKeys(keys: [1: data], currentVersion: 1)
    }
}
