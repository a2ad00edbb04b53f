import Crypto
import Foundation
import TillitServiceKit

/// The key-encryption keys of Notes, by class and version: clinical keys wrap the data keys of
/// session and shared notes, process keys those of process notes (a separate key, so the
/// psychotherapy notes can be kept under other custody). New data keys are wrapped with each
/// class's current version; older versions still unwrap until `RewrapKeys` has moved every data
/// key forward.
public struct NoteKeyRing: Sendable {
    /// The clinical keys.
    let clinical: SecretBox
    /// The process-note keys.
    let process: SecretBox

    /// A ring of the two classes; throws `ConfigurationError` for a missing current version, a
    /// key that is not 32 bytes, or a key used for both classes.
    public init(
        clinical: [Int: Data], clinicalVersion: Int? = nil, process: [Int: Data], processVersion: Int? = nil
    )
        throws
    {
        let shared = Set(clinical.values).intersection(process.values)
        guard shared.isEmpty else {
            throw ConfigurationError(
                variable: "TILLIT_NOTES_PROCESS_KEKS", message: "process notes need keys of their own")
        }
        self.clinical = try Self.box(clinical, version: clinicalVersion, variable: "TILLIT_NOTES_KEKS")
        self.process = try Self.box(process, version: processVersion, variable: "TILLIT_NOTES_PROCESS_KEKS")
    }

    /// The keys `notes` names, else version 1 of each class from (or, on first start, created in)
    /// its key file in the data directory, owner-only.
    ///
    /// - Throws: `ConfigurationError`, `KeyFile.Failure`.
    public static func load(_ notes: NotesConfiguration, dataDirectory: String) throws -> NoteKeyRing {
        func keys(_ configured: [Int: Data], file: String?, name: String) throws -> [Int: Data] {
            if !configured.isEmpty { return configured }
            let path = file ?? (dataDirectory as NSString).appendingPathComponent(name)
            return [1: try KeyFile.loadOrCreate(path, length: 32) { randomKey() }]
        }
        return try NoteKeyRing(
            clinical: try keys(notes.clinicalKeys, file: notes.clinicalKeyFile, name: "notes-kek.key"),
            clinicalVersion: notes.clinicalKeys.isEmpty ? 1 : notes.clinicalKeyVersion,
            process: try keys(notes.processKeys, file: notes.processKeyFile, name: "notes-process-kek.key"),
            processVersion: notes.processKeys.isEmpty ? 1 : notes.processKeyVersion)
    }

    /// A random ring with version 1 of each class (tests, benchmarks).
    public static func random() -> NoteKeyRing {
        // Two fresh random 32-byte keys always make a valid ring.
        try! NoteKeyRing(clinical: [1: Data(randomKey())], process: [1: Data(randomKey())])
    }

    /// The current version of `keyClass`.
    public func currentVersion(_ keyClass: NoteKeyClass) -> Int {
        box(keyClass).currentVersion
    }

    /// The box of `keyClass`.
    func box(_ keyClass: NoteKeyClass) -> SecretBox {
        switch keyClass {
        case .clinical: clinical
        case .process: process
        }
    }

    static func randomKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    private static func box(_ keys: [Int: Data], version: Int?, variable: String) throws -> SecretBox {
        guard let current = version ?? keys.keys.max() else {
            throw ConfigurationError(variable: variable, message: "no key")
        }
        do {
            return try SecretBox(keys: keys.mapValues { SymmetricKey(data: $0) }, currentVersion: current)
        } catch {
            throw ConfigurationError(
                variable: variable, message: "keys are 32 bytes; version \(current) must exist")
        }
    }
}
