import Foundation

/// A stored note: its facts in the clear, its body and return comment as ciphertext.
public struct NoteRecord: Sendable, Equatable {
    /// The note id.
    public var id: String
    /// The practice.
    public var organization: String
    /// Whose record it is part of.
    public var clientID: String
    /// Who wrote it.
    public var authorID: String
    /// Its kind.
    public var kind: NoteKind
    /// Its body's template.
    public var template: NoteTemplate
    /// Its status.
    public var status: NoteStatus
    /// 1, plus one per edit (the body's associated data).
    public var version: Int
    /// The appointment it is about, or empty.
    public var appointmentID: String
    /// The note it is an addendum of.
    public var addendumOf: String?
    /// When written (milliseconds).
    public var createdAt: Int64
    /// When last changed.
    public var updatedAt: Int64
    /// When signed.
    public var signedAt: Int64?
    /// The supervisor who must co-sign.
    public var supervisorID: String?
    /// Who co-signed.
    public var cosignedBy: String?
    /// When.
    public var cosignedAt: Int64?
    /// The key of the co-signature request.
    public var cosignKey: String?
    /// The sealed return comment.
    public var returnComment: Data?
    /// When last returned.
    public var returnedAt: Int64?
    /// The sealed body.
    public var body: Data
    /// The wrapped data key.
    public var wrappedKey: WrappedKey
}
