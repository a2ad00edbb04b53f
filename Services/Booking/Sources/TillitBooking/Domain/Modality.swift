/// How a session takes place (stored as its raw value).
public enum Modality: String, Sendable, CaseIterable, Codable {
    /// In the practice's rooms.
    case inPerson = "in_person"
    /// By video call.
    case video = "video"
    /// By telephone.
    case phone = "phone"
}
