import Foundation
import TillitContracts

extension ConsentRecord {
    /// The wire form.
    var proto: Tillit_Identity_V1_Consent {
        var consent = Tillit_Identity_V1_Consent()
        consent.id = id
        consent.clientID = WireMapping.accountID(client)!
        consent.kind = kind.wire
        if let practitioner { consent.practitionerID = WireMapping.accountID(practitioner)! }
        consent.grantedAt = WireMapping.timestamp(millis: grantedAt)
        consent.recordedBy = WireMapping.accountID(recordedBy)!
        consent.howGiven = howGiven ?? ""
        if let revokedAt { consent.revokedAt = WireMapping.timestamp(millis: revokedAt) }
        if let revokedBy { consent.revokedBy = WireMapping.accountID(revokedBy)! }
        consent.revocationHowGiven = revocationHowGiven ?? ""
        return consent
    }
}
