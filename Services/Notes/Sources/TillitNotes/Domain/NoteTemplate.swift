/// How a body is structured.
public enum NoteTemplate: String, Sendable, CaseIterable {
    /// Free sections.
    case free
    /// subjective, objective, assessment, plan.
    case soap
    /// data, assessment, plan.
    case dap
    /// behavior, intervention, response, plan.
    case birp

    /// The sections a structured template has, in order; nil for free text.
    public var headings: [String]? {
        switch self {
        case .free: nil
        case .soap: ["subjective", "objective", "assessment", "plan"]
        case .dap: ["data", "assessment", "plan"]
        case .birp: ["behavior", "intervention", "response", "plan"]
        }
    }
}
