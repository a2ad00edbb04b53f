import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func login(_ request: Tillit_Identity_V1_LoginRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_LoginResponse
    {
        let organization = try Validation.id(request.organizationID.value, field: "organization_id")
        let email = try Validation.email(request.email)
        guard !request.password.isEmpty, request.password.utf8.count <= PasswordPolicy.maximumBytes else {
            throw ServiceError.loginFailed
        }
        let signedIn = try await loginFlow.login(
            organization: organization, email: email, password: request.password, totpCode: request.totpCode,
            address: Self.sourceAddress(context.peer), requestID: context.requestID)
        var response = Tillit_Identity_V1_LoginResponse()
        response.tokens = signedIn.tokens
        response.account = signedIn.account.proto
        response.totpEnrolmentRequired = signedIn.totpEnrolmentRequired
        return response
    }

    func loginService(_ request: Tillit_Identity_V1_LoginServiceRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_LoginServiceResponse
    {
        let organization = try Validation.id(request.organizationID.value, field: "organization_id")
        let account = try Self.accountID(request.accountID)
        guard !request.secret.isEmpty, request.secret.utf8.count <= 1024 else {
            throw ServiceError.loginFailed
        }
        var response = Tillit_Identity_V1_LoginServiceResponse()
        response.tokens = try await loginFlow.loginService(
            organization: organization, account: account, secret: request.secret,
            address: Self.sourceAddress(context.peer), requestID: context.requestID)
        return response
    }

    /// The host part of `ip:port` / `[v6]:port`.
    static func sourceAddress(_ peer: String) -> String {
        guard let colon = peer.lastIndex(of: ":") else { return peer }
        return String(peer[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    }
}
