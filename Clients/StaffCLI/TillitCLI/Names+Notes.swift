import Foundation
import TillitContracts

extension Names {
    /// Note kind words.
    static let noteKinds: [(String, Tillit_Notes_V1_NoteKind)] = [
        ("session", .session), ("process", .process), ("shared", .shared),
    ]

    /// Note template words.
    static let noteTemplates: [(String, Tillit_Notes_V1_NoteTemplate)] = [
        ("free", .free), ("soap", .soap), ("dap", .dap), ("birp", .birp),
    ]

    /// Note status words.
    static let noteStatuses: [(String, Tillit_Notes_V1_NoteStatus)] = [
        ("draft", .draft), ("signed", .signed), ("awaiting-cosignature", .awaitingCosignature),
        ("cosigned", .cosigned),
    ]

    /// Read basis words.
    static let readBases: [(String, Tillit_Notes_V1_ReadBasis)] = [
        ("author", .author), ("consented-colleague", .consentedColleague), ("client", .client),
        ("supervisor", .supervisor), ("emergency", .emergency),
    ]
}
