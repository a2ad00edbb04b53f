/// A note read with what is always shown with it.
public struct NoteReading: Sendable {
    /// The note.
    public var note: NoteRecord
    /// Its addenda the reader may see, oldest first.
    public var addenda: [NoteRecord]
    /// Its comments, oldest first.
    public var comments: [CommentRecord]
    /// Why the reader may read it.
    public var basis: ReadBasis
}
