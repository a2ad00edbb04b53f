import Foundation

/// A stored comment on a shared note (sealed under the note's data key).
public struct CommentRecord: Sendable, Equatable {
    /// The comment id.
    public var id: String
    /// The note.
    public var noteID: String
    /// Who wrote it (the client).
    public var authorID: String
    /// When (milliseconds).
    public var createdAt: Int64
    /// The sealed text.
    public var body: Data
}
