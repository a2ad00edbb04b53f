import Foundation
import TillitContracts

/// An account as `tillit` prints it with `--json`: stable keys, words instead of enum numbers.
struct AccountView: Codable, Sendable {
    var id: String
    var organizationId: String
    var kind: String
    var status: String
    var email: String
    var displayName: String
    var roles: [String]
    var totpEnabled: Bool
    var createdAt: Date?
    var deactivatedAt: Date?
    var discipline: String?
    var languages: [String]
    var licenceStatus: String?
    var supervisorId: String?
    var timeZone: String?

    /// The view of `account`.
    init(_ account: Tillit_Identity_V1_Account) {
        id = account.id.value
        organizationId = account.organizationID.value
        switch account.kind {
        case .staff: kind = "staff"
        case .client: kind = "client"
        case .service: kind = "service"
        default: kind = "unspecified"
        }
        status = account.status == .deactivated ? "deactivated" : "active"
        email = account.email
        displayName = account.displayName
        roles = Names.words(account.roles)
        totpEnabled = account.totpEnabled
        createdAt = account.hasCreatedAt ? account.createdAt.date : nil
        deactivatedAt = account.hasDeactivatedAt ? account.deactivatedAt.date : nil
        languages = []
        switch account.profile {
        case .staff(let staff):
            discipline = staff.discipline
            languages = staff.languages
            switch staff.licenceStatus {
            case .licensed: licenceStatus = "licensed"
            case .preLicensed: licenceStatus = "pre-licensed"
            default: licenceStatus = nil
            }
            supervisorId =
                staff.hasSupervisorID && !staff.supervisorID.value.isEmpty ? staff.supervisorID.value : nil
        case .client(let client):
            languages = client.languages
            timeZone = client.timeZone.isEmpty ? nil : client.timeZone
        default:
            break
        }
    }

    /// One table row: id, name, e-mail, roles or kind, discipline, status.
    var row: [String] {
        [
            id, displayName, Display.cell(email), kind == "staff" ? Display.list(roles) : kind,
            Display.cell(discipline ?? ""), licenceStatus ?? "-", status,
        ]
    }

    /// The header of `row`.
    static let header = ["ID", "NAME", "E-MAIL", "ROLES", "DISCIPLINE", "LICENCE", "STATUS"]

    /// Label/value lines for people.
    var text: String {
        var pairs: [(String, String)] = [
            ("Name", displayName), ("E-mail", Display.cell(email)), ("Account", id), ("Kind", kind),
            ("Status", status),
        ]
        if kind == "staff" {
            pairs.append(("Roles", Display.list(roles)))
            pairs.append(("Discipline", Display.cell(discipline ?? "")))
            if let licenceStatus { pairs.append(("Licence", licenceStatus)) }
            if let supervisorId { pairs.append(("Supervisor", supervisorId)) }
            pairs.append(("Two-factor", totpEnabled ? "enabled" : "not enrolled"))
        }
        if !languages.isEmpty { pairs.append(("Languages", Display.list(languages))) }
        if let timeZone { pairs.append(("Time zone", timeZone)) }
        pairs.append(("Created", Display.date(createdAt)))
        if let deactivatedAt { pairs.append(("Deactivated", Display.date(deactivatedAt))) }
        return Display.fields(pairs)
    }
}
