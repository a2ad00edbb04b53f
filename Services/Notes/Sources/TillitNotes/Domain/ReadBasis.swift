/// Why a reader may read a note (docs/notes.md, the matrix).
public enum ReadBasis: String, Sendable, CaseIterable {
    /// Its author.
    case author
    /// A practitioner with a care relationship and the client's consent naming them.
    case consentedColleague = "consented_colleague"
    /// The client, for their own record.
    case client
    /// The author's supervisor, while it awaits their co-signature.
    case supervisor
    /// An admin's emergency access.
    case emergency
}
