/// A reply in a consultation's thread.
public struct ReplyRecord: Sendable, Equatable {
    /// The id.
    public var id: String
    /// Who wrote it.
    public var authorID: String
    /// The text.
    public var text: String
    /// When (milliseconds).
    public var createdAt: Int64
}
