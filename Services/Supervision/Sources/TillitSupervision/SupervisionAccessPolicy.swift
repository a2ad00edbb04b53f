import TillitContracts
import TillitServiceKit

/// Who may call each Supervision method at all — docs/supervision.md's authorisation matrix at
/// the level of account kinds and roles, enforced before the handler runs. The handlers then
/// apply the finer cells (the supervisee themself, their own supervisor, a party of the
/// consultation) from the relationships. Clients and service accounts reach nothing here: the
/// service is about staff. The matrix test iterates this table.
public enum SupervisionAccessPolicy {
    private typealias M = Tillit_Supervision_V1_Supervision.Method

    /// The table; Supervision has no `@public` rpc (Health is the host's).
    public static let policy = AccessPolicy([
        M.createRelationship: .staff(.admin, .supervisor),
        M.endRelationship: .staff(.admin, .supervisor),
        M.listRelationships: .staff(),
        M.listQueue: .staff(.supervisor),
        M.approveNote: .staff(.supervisor),
        M.returnNote: .staff(.supervisor),
        M.setCategories: .staff(.admin),
        M.listCategories: .staff(),
        M.logSession: .staff(.practitioner, .supervisor),
        M.hoursReport: .staff(.admin, .practitioner, .supervisor),
        M.verifyPeriod: .staff(.supervisor),
        M.raiseConsultation: .staff(.practitioner, .supervisor),
        M.getConsultation: .staff(.practitioner, .supervisor),
        M.listConsultations: .staff(.practitioner, .supervisor),
        M.addReply: .staff(.practitioner, .supervisor),
        M.closeConsultation: .staff(.practitioner, .supervisor),
        M.logIncident: .staff(.practitioner, .supervisor),
        M.logOutOfHoursContact: .staff(.practitioner),
        M.listIncidents: .staff(.practitioner, .supervisor),
        M.setPatternRule: .staff(.admin),
        M.listFlags: .staff(.supervisor),
        M.clearFlag: .staff(.supervisor),
        M.incidentCounts: .staff(.admin),
        M.listAuditEvents: .staff(.admin),
        M.verifyAuditChain: .staff(.admin),
        M.getAuditCheckpoint: .staff(.admin),
    ])
}
