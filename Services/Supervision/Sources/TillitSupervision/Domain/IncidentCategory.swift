/// What kind of boundary incident.
public enum IncidentCategory: String, Sendable, CaseIterable {
    /// A client's contact outside the agreed window.
    case outOfHoursContact = "out_of_hours_contact"
    /// A gift.
    case gift
    /// A social invitation.
    case socialInvitation = "social_invitation"
    /// A dual relationship.
    case dualRelationship = "dual_relationship"
    /// The personal phone number shared.
    case personalPhoneShared = "personal_phone_shared"
    /// Self-disclosure.
    case selfDisclosure = "self_disclosure"
    /// Anything else.
    case other
}
