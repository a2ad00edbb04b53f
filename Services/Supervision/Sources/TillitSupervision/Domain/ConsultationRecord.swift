/// A case consultation with its thread.
public struct ConsultationRecord: Sendable, Equatable {
    /// The id.
    public var id: String
    /// Who raised it.
    public var superviseeID: String
    /// Their supervisor.
    public var supervisorID: String
    /// The topic.
    public var topic: String
    /// The de-identified summary.
    public var summary: String
    /// The attached client (shown only while consent holds).
    public var clientID: String?
    /// Whether closed.
    public var closed: Bool
    /// The outcome.
    public var outcome: String
    /// The actions.
    public var actions: [String]
    /// When raised (milliseconds).
    public var createdAt: Int64
    /// The replies, oldest first.
    public var replies: [ReplyRecord]

    /// Whether `account` is one of its two parties.
    public func isParty(_ account: String) -> Bool {
        account == superviseeID || account == supervisorID
    }
}
