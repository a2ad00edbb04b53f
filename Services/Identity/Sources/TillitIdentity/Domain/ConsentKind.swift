/// What a client consents to. Stored as its raw value (the schema's CHECK lists the same).
enum ConsentKind: String, Sendable, Hashable, CaseIterable {
    /// Treatment by the practice.
    case treatment
    /// Sharing their record with one named practitioner.
    case shareWithPractitioner = "share_with_practitioner"
    /// Discussing their case in consultation or supervision.
    case caseConsultation = "case_consultation"
    /// Being contacted by message.
    case contactByMessage = "contact_by_message"
}
