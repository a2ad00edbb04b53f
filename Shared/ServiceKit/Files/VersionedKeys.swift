import Foundation

/// Parses settings of the form `<version>:<base64 of 32 bytes>[,…]` (key rings in the
/// environment: TOTP key-encryption keys, audit keys).
public enum VersionedKeys {
    /// The keys in `text` by version; throws `ConfigurationError` naming `variable` when an item
    /// is malformed, a version repeats or is below `minimumVersion`, or a key is not 32 bytes.
    public static func parse(_ text: String, variable: String, minimumVersion: Int = 0) throws -> [Int: Data] {
        var keys: [Int: Data] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let version = Int(parts[0]), version >= minimumVersion,
                keys[version] == nil,
                let key = Data(base64Encoded: String(parts[1])), key.count == 32
            else {
                throw ConfigurationError(
                    variable: variable,
                    message: "expected <version ≥ \(minimumVersion)>:<base64 of 32 bytes>[,…], each version once")
            }
            keys[version] = key
        }
        return keys
    }
}
