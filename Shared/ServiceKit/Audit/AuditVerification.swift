/// The outcome of recomputing an organisation's audit chain.
public struct AuditVerification: Sendable, Equatable {
    /// Whether every row is in place and unaltered, and the chain ends at its recorded head.
    public var intact: Bool
    /// Rows read.
    public var checked: UInt64
    /// The first bad sequence number (0 when intact).
    public var firstBroken: UInt64
    /// What is wrong there, e.g. `hash mismatch`, `gap after 41`, `chain ends at 40 but its head is 42`.
    public var problem: String

    /// A verification result.
    public init(intact: Bool, checked: UInt64, firstBroken: UInt64, problem: String) {
        self.intact = intact
        self.checked = checked
        self.firstBroken = firstBroken
        self.problem = problem
    }
}
