/// What a note is, and so who may ever read it.
public enum NoteKind: String, Sendable, CaseIterable {
    /// Part of the client's record.
    case session
    /// A psychotherapy note: its author's alone, under the process key.
    case process
    /// Written for the client, who may comment beside it.
    case shared

    /// The key-encryption keys its data key is wrapped with.
    public var keyClass: NoteKeyClass {
        self == .process ? .process : .clinical
    }

    /// Whether it is part of the client's record (the client, an export, consented colleagues).
    public var isRecord: Bool {
        self != .process
    }
}
