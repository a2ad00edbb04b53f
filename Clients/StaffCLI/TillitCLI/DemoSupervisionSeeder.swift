import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

/// Supervision's part of the demo practice, once Notes' exists: the setup admin sets the
/// practice's hour categories and starts Dana's supervision of Gustav (the demo pre-licensed
/// practitioner, whose supervisor Identity names as Dana) in co-sign-all mode, the agreement
/// approved today, through Supervision's rpcs.
///
/// Safe to run again after a partial run: setting the categories is idempotent, and an existing
/// relationship of the two is reused rather than started twice.
struct DemoSupervisionSeeder: Sendable {
    /// What the seeder made, as `demo.json` keeps it.
    struct Record: Codable, Sendable {
        /// Dana → Gustav.
        var relationshipId: String
        var supervisorId: String
        var superviseeId: String
        var categories: [String]
    }

    /// The practice's demo hour categories (a licensing board's kind of list).
    static let categories = ["individual", "group", "case review", "ethics"]

    /// Identity (to find the demo accounts).
    let identity: Tillit_Identity_V1_Identity.Client
    /// Supervision, as the setup admin.
    let supervision: Tillit_Supervision_V1_Supervision.Client
    /// The setup admin's bearer token.
    let options: CallOptions

    /// Seeds the categories and the relationship.
    func seed() async throws -> Record {
        async let dana = DemoSeeder.account(
            identity, options: options, kind: .staff, email: "dana@\(DemoSeeder.domain)")
        async let gustav = DemoSeeder.account(
            identity, options: options, kind: .staff, email: "gustav@\(DemoSeeder.domain)")
        let (supervisor, supervisee) = try await (dana, gustav)
        let categories = try await supervision.setCategories(
            .with { $0.categories = Self.categories }, options: options
        ).categories
        let existing = try await supervision.listRelationships(.init(), options: options).relationships.first
        {
            $0.supervisorID == supervisor.id && $0.superviseeID == supervisee.id
        }
        let relationship: Tillit_Supervision_V1_Relationship
        if let existing {
            relationship = existing
        } else {
            let practice = try await identity.getOrganization(.init(), options: options).organization
            let today = CivilDates.today(
                in: TimeZone(identifier: practice.timeZone) ?? TimeZone(identifier: "UTC")!)
            var request = Tillit_Supervision_V1_CreateRelationshipRequest()
            request.supervisorID = supervisor.id
            request.superviseeID = supervisee.id
            request.mode = .cosignAll
            request.startsOn = .init(today)
            request.agreementApprovedOn = .init(today)
            relationship = try await supervision.createRelationship(request, options: options).relationship
        }
        return Record(
            relationshipId: relationship.id, supervisorId: supervisor.id.value,
            superviseeId: supervisee.id.value,
            categories: categories)
    }

    /// What to tell people about the supervision demo data.
    static func hints(_ record: Record, fresh: Bool) -> String {
        [
            fresh ? "demo: supervision seeded." : "demo: supervision demo data is already seeded.",
            "  Dana Kowalska supervises Gustav Holm (pre-licensed; every note waits for her co-signature)",
            "  hour categories: \(record.categories.joined(separator: ", "))",
            "  try: tillit supervision queue   (as dana, once gustav has signed a note)",
            "       tillit supervision hours report --supervisee \(record.superviseeId)",
        ].joined(separator: "\n")
    }
}
