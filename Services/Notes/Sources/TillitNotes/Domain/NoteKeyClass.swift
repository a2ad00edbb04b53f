/// Which key-encryption keys wrap a note's data key.
public enum NoteKeyClass: String, Sendable, CaseIterable {
    /// Session and shared notes.
    case clinical
    /// Process (psychotherapy) notes.
    case process
}
