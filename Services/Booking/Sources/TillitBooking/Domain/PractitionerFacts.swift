/// What Booking knows of a practitioner from Identity (read with the caller's token).
public struct PractitionerFacts: Sendable, Equatable {
    /// The account id.
    public var id: String
    /// The name.
    public var displayName: String
    /// The discipline, as Identity holds it.
    public var discipline: String
    /// BCP 47 tags.
    public var languages: [String]
    /// Active staff holding the practitioner role.
    public var bookable: Bool

    /// A value with every field.
    public init(id: String, displayName: String, discipline: String, languages: [String], bookable: Bool) {
        self.id = id
        self.displayName = displayName
        self.discipline = discipline
        self.languages = languages
        self.bookable = bookable
    }
}
