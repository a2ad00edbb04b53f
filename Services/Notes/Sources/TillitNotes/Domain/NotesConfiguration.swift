import Foundation
import TillitServiceKit

/// Notes' own settings (the shared ones are `ServiceConfiguration`), read once from the
/// environment. The key-encryption keys are in `NoteKeyRing`.
public struct NotesConfiguration: Sendable {
    /// How long one question to Booking or Identity may take at most
    /// (`TILLIT_NOTES_DEPENDENCY_TIMEOUT_MILLIS`, 100–30000, default 3000); the caller's own
    /// deadline may be shorter.
    public var dependencyTimeout: Duration = .seconds(3)
    /// The most bytes of text a body may hold, all sections together (65,536).
    public var maximumBodyBytes = 65_536
    /// The most sections of a body (20).
    public var maximumSections = 20
    /// The most bytes of a comment or return comment (10,000).
    public var maximumCommentBytes = 10_000
    /// Clinical key-encryption keys by version (`TILLIT_NOTES_KEKS`, `<version>:<base64 of 32
    /// bytes>[,…]`); empty means the key file `keyFile`.
    public var clinicalKeys: [Int: Data] = [:]
    /// The version new clinical data keys are wrapped with (`TILLIT_NOTES_KEK_VERSION`, default
    /// the highest).
    public var clinicalKeyVersion: Int?
    /// The clinical key file used when `clinicalKeys` is empty (`TILLIT_NOTES_KEK_FILE`, default
    /// `<data dir>/notes-kek.key`, created on first start, mode 0600).
    public var clinicalKeyFile: String?
    /// Process-note key-encryption keys (`TILLIT_NOTES_PROCESS_KEKS`), as `clinicalKeys`.
    public var processKeys: [Int: Data] = [:]
    /// `TILLIT_NOTES_PROCESS_KEK_VERSION`.
    public var processKeyVersion: Int?
    /// `TILLIT_NOTES_PROCESS_KEK_FILE` (default `<data dir>/notes-process-kek.key`).
    public var processKeyFile: String?

    /// The defaults.
    public init() {}

    /// Reads the settings from `environment`; `ConfigurationError` naming a malformed variable.
    public init(environment: [String: String]) throws {
        self.init()
        if let millis = try ConfigurationError.integer(
            "TILLIT_NOTES_DEPENDENCY_TIMEOUT_MILLIS", in: environment, range: 100...30_000)
        {
            dependencyTimeout = .milliseconds(millis)
        }
        (clinicalKeys, clinicalKeyVersion) = try Self.ring(
            "TILLIT_NOTES_KEKS", version: "TILLIT_NOTES_KEK_VERSION", in: environment)
        (processKeys, processKeyVersion) = try Self.ring(
            "TILLIT_NOTES_PROCESS_KEKS", version: "TILLIT_NOTES_PROCESS_KEK_VERSION", in: environment)
        clinicalKeyFile = environment["TILLIT_NOTES_KEK_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        processKeyFile = environment["TILLIT_NOTES_PROCESS_KEK_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func ring(_ variable: String, version: String, in environment: [String: String]) throws
        -> ([Int: Data], Int?)
    {
        var keys: [Int: Data] = [:]
        if let text = environment[variable], !text.isEmpty {
            keys = try VersionedKeys.parse(text, variable: variable, minimumVersion: 1)
        }
        guard let text = environment[version], !text.isEmpty else { return (keys, nil) }
        guard let number = Int(text), keys[number] != nil else {
            throw ConfigurationError(variable: version, message: "'\(text)' names no key of \(variable)")
        }
        return (keys, number)
    }
}
