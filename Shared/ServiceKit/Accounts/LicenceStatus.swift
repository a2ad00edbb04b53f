/// A practitioner's licence status; a pre-licensed practitioner's signed notes wait for their
/// supervisor's co-signature.
public enum LicenceStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Fully licensed.
    case licensed
    /// Practising under supervision.
    case preLicensed = "pre_licensed"
}
