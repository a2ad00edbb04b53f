import Foundation
import TillitContracts
import TillitServiceKit

extension AccountRecord {
    /// The wire form.
    var proto: Tillit_Identity_V1_Account {
        var account = Tillit_Identity_V1_Account()
        account.id = WireMapping.accountID(id)!
        account.organizationID.value = organization
        account.kind = kind.wire
        account.status = isActive ? .active : .deactivated
        account.email = email ?? ""
        account.displayName = displayName
        account.roles = roles.map(\.wire)
        account.totpEnabled = totpEnabled
        account.createdAt = WireMapping.timestamp(millis: createdAt)
        if let deactivatedAt { account.deactivatedAt = WireMapping.timestamp(millis: deactivatedAt) }
        switch kind {
        case .staff:
            var profile = Tillit_Identity_V1_StaffProfile()
            profile.discipline = discipline
            profile.languages = staffLanguages
            profile.licenceStatus = licence?.wire ?? .unspecified
            if let supervisor { profile.supervisorID = WireMapping.accountID(supervisor)! }
            account.staff = profile
        case .client:
            var profile = Tillit_Identity_V1_ClientProfile()
            profile.timeZone = clientTimeZone
            profile.languages = clientLanguages
            account.client = profile
        case .service:
            var profile = Tillit_Identity_V1_ServiceProfile()
            profile.description_p = serviceDescription
            account.service = profile
        }
        return account
    }
}
