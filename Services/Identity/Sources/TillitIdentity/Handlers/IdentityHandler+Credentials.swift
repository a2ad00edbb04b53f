import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func enrolTotp(_ request: Tillit_Identity_V1_EnrolTotpRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_EnrolTotpResponse
    {
        let caller = try Caller.current(context, allowing: .totpEnrolment)
        try caller.require(!caller.isService, "enrol TOTP for a service account")
        let secret = TOTP.generateSecret()
        let sealed = try secrets.seal(secret, context: caller.id)
        let account = try await store.enrolTotp(
            ciphertext: sealed.ciphertext, keyVersion: sealed.keyVersion, for: caller)
        var response = Tillit_Identity_V1_EnrolTotpResponse()
        response.secret = Base32.encode(secret)
        response.provisioningUri = TOTP(secret: secret).provisioningURI(
            issuer: configuration.totpIssuer, account: account.email ?? account.displayName)
        return response
    }

    func confirmTotp(_ request: Tillit_Identity_V1_ConfirmTotpRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_ConfirmTotpResponse
    {
        let caller = try Caller.current(context, allowing: .totpEnrolment)
        try caller.require(!caller.isService, "enrol TOTP for a service account")
        // Two transactions with the decryption between them; the second checks that the pending
        // secret is still the one the code was matched against.
        guard let pending = try await store.pendingTotp(of: caller) else {
            throw ServiceError(.failedPrecondition, "no TOTP enrolment in progress; call EnrolTotp first")
        }
        let plain = try secrets.open(pending.ciphertext, keyVersion: pending.keyVersion, context: caller.id)
        guard let step = TOTP(secret: Array(plain)).match(request.code, at: store.now(), after: nil) else {
            throw ServiceError.invalid("code", "does not match the enrolled secret")
        }
        let confirmedAt = try await store.confirmTotp(pending.id, step: step, for: caller)
        var response = Tillit_Identity_V1_ConfirmTotpResponse()
        response.confirmedAt = WireMapping.timestamp(millis: confirmedAt)
        return response
    }

    func changePassword(_ request: Tillit_Identity_V1_ChangePasswordRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_ChangePasswordResponse
    {
        let caller = try Caller.current(context)
        try caller.require(!caller.isService, "change a service account's password")
        try PasswordPolicy.validate(request.newPassword)
        guard request.currentPassword.utf8.count <= PasswordPolicy.maximumBytes else {
            throw ServiceError.invalid("current_password", "is wrong")
        }
        // Guesses of the current password (with a stolen access token) count towards the same
        // lock as failed logins. The hashing runs between the store's transactions.
        let policy = configuration.throttle
        let address = Self.sourceAddress(context.peer)
        let (stored, reservation) = try await store.currentPasswordCheck(
            for: caller, address: address, policy: policy)
        var matches = false
        if let stored {
            do {
                matches = try await hasher.verify(
                    request.currentPassword, against: stored, source: SourceBucket.key(address))
            } catch {
                // The check never ran (overloaded, shut down): it does not count.
                try? await store.releaseCurrentPasswordCheck(reservation, policy: policy)
                throw error
            }
        }
        guard matches else {
            try await store.recordWrongCurrentPassword(reservation: reservation, policy: policy, for: caller)
            throw ServiceError(.permissionDenied, "current_password is wrong")
        }
        try await store.releaseCurrentPasswordCheck(reservation, policy: policy)
        let fresh = try await hasher.hash(request.newPassword)
        let count = try await store.changePassword(to: fresh, for: caller)
        var response = Tillit_Identity_V1_ChangePasswordResponse()
        response.revokedSessions = UInt32(clamping: count)
        return response
    }

    func setPassword(_ request: Tillit_Identity_V1_SetPasswordRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_SetPasswordResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "set another account's password")
        let target = try Self.accountID(request.accountID)
        try PasswordPolicy.validate(request.newPassword)
        guard let account = try await store.account(target, for: caller) else {
            throw ServiceError.notFound("account")
        }
        guard !account.isService else {
            throw ServiceError(.failedPrecondition, "service accounts sign in with a secret, not a password")
        }
        let fresh = try await hasher.hash(request.newPassword)
        let count = try await store.setPassword(fresh, of: account, by: caller)
        var response = Tillit_Identity_V1_SetPasswordResponse()
        response.revokedSessions = UInt32(clamping: count)
        return response
    }

    func resetTotp(_ request: Tillit_Identity_V1_ResetTotpRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_ResetTotpResponse
    {
        let caller = try Caller.current(context)
        try caller.require(caller.isAdmin, "reset another account's TOTP")
        let target = try Self.accountID(request.accountID)
        var response = Tillit_Identity_V1_ResetTotpResponse()
        response.account = try await store.resetTotp(of: target, by: caller).proto
        return response
    }
}
