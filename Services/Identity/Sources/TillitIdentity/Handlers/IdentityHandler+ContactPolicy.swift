import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func getContactPolicy(_ request: Tillit_Identity_V1_GetContactPolicyRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_GetContactPolicyResponse
    {
        let caller = try Caller.current(context)
        let (policy, timeZone) = try await store.contactPolicy(for: caller)
        var response = Tillit_Identity_V1_GetContactPolicyResponse()
        response.policy = policy.proto
        response.timeZone = timeZone
        return response
    }

    func setContactPolicy(_ request: Tillit_Identity_V1_SetContactPolicyRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_SetContactPolicyResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "change the contact policy")
        let policy = try ContactPolicyInput(request.policy)
        let stored = try await store.setContactPolicy(policy, by: caller)
        var response = Tillit_Identity_V1_SetContactPolicyResponse()
        response.policy = stored.proto
        return response
    }
}
