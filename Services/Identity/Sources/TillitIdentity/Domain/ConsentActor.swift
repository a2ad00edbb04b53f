import Foundation
import TillitServiceKit

/// Who records a consent change and how: the client themself, staff on the client's behalf
/// (with how it was given), or a service acting for the client (`x-on-behalf-of` with the
/// client's own relayed access token, verified by the `AuthenticationInterceptor`).
struct ConsentActor: Sendable {
    /// Stored as recorded_by / revoked_by.
    var recordedBy: String
    /// Stored as how_given (nil when the client acted without saying how).
    var howGiven: String?
    /// The audit entry's on_behalf_of.
    var onBehalfOf: String?

    /// The actor when `caller` changes `client`'s consent. PERMISSION_DENIED for another
    /// client's consent, a service not acting for the client, or staff who are neither admin
    /// nor practitioner; INVALID_ARGUMENT when staff give no `how_given`.
    init(_ caller: Caller, client: String, howGiven: String) throws {
        let how = try Validation.text(howGiven, field: "how_given", max: 2000)
        if caller.isClient {
            try caller.require(client == caller.id, "change another client's consent")
            self.init(recordedBy: caller.id, howGiven: how.isEmpty ? nil : how, onBehalfOf: nil)
            return
        }
        if caller.isService {
            guard caller.onBehalfOf == client else {
                throw ServiceError.denied(
                    "a service changes consent only acting for the client, with the client's token")
            }
            self.init(recordedBy: client, howGiven: how.isEmpty ? nil : how, onBehalfOf: client)
            return
        }
        try caller.require(caller.isStaff(anyOf: [.admin, .practitioner]), "record consent for a client")
        guard !how.isEmpty else {
            throw ServiceError.invalid("how_given", "is required when staff record consent for a client")
        }
        self.init(recordedBy: caller.id, howGiven: how, onBehalfOf: client)
    }

    /// An actor with these stored values.
    init(recordedBy: String, howGiven: String?, onBehalfOf: String?) {
        self.recordedBy = recordedBy
        self.howGiven = howGiven
        self.onBehalfOf = onBehalfOf
    }
}
