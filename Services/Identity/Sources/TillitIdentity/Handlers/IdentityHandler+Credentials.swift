import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func enrolTotp(_ request: Tillit_Identity_V1_EnrolTotpRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_EnrolTotpResponse
    {
        let caller = try Caller.current(context, allowEnrolmentScope: true)
        try caller.require(!caller.isService, "enrol TOTP for a service account")
        let secret = TOTP.generateSecret()
        let sealed = try secrets.seal(secret, context: caller.id)
        let at = store.nowMillis
        let account = try await store.write { db -> AccountRecord in
            let account = try activeAccount(db, caller)
            // Replacing a working second factor must not be possible with an access token alone
            // (a stolen one would do): an admin resets it (ResetTotp), then the person enrols.
            guard !account.totpEnabled else {
                throw IdentityError(
                    .failedPrecondition,
                    "TOTP is already enabled; ask an admin to reset it (ResetTotp) to enrol again")
            }
            try store.insertPendingTotp(
                db, organization: caller.organization, account: caller.id, ciphertext: sealed.ciphertext,
                keyVersion: sealed.keyVersion, at: at)
            try audit(
                db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "totp.enrol", subject: caller.id),
                requestID: caller.requestID)
            return account
        }
        var response = Tillit_Identity_V1_EnrolTotpResponse()
        response.secret = Base32.encode(secret)
        response.provisioningUri = TOTP(secret: secret).provisioningURI(
            issuer: configuration.totpIssuer, account: account.email ?? account.displayName)
        return response
    }

    func confirmTotp(_ request: Tillit_Identity_V1_ConfirmTotpRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_ConfirmTotpResponse
    {
        let caller = try Caller.current(context, allowEnrolmentScope: true)
        try caller.require(!caller.isService, "enrol TOTP for a service account")
        let pending = try await store.read { db in try store.pendingTotp(db, account: caller.id) }
        guard let pending else {
            throw IdentityError(.failedPrecondition, "no TOTP enrolment in progress; call EnrolTotp first")
        }
        let plain = try secrets.open(pending.ciphertext, keyVersion: pending.keyVersion, context: caller.id)
        guard let step = TOTP(secret: Array(plain)).match(request.code, at: store.now(), after: nil) else {
            throw IdentityError.invalid("code", "does not match the enrolled secret")
        }
        let at = store.nowMillis
        try await store.write { db in
            try requireActiveCaller(db, caller)
            guard try store.pendingTotp(db, account: caller.id)?.id == pending.id else {
                throw IdentityError(.aborted, "the enrolment changed meanwhile; enrol again")
            }
            try store.confirmTotp(db, account: caller.id, id: pending.id, step: step, at: at)
            try audit(
                db, organization: caller.organization,
                AuditEntry(actor: caller.id, action: "totp.confirm", subject: caller.id),
                requestID: caller.requestID)
        }
        var response = Tillit_Identity_V1_ConfirmTotpResponse()
        response.confirmedAt = WireMapping.timestamp(millis: at)
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
            throw IdentityError.invalid("current_password", "is wrong")
        }
        // Guesses of the current password (with a stolen access token) count towards the same
        // lock as failed logins.
        let at = store.nowMillis
        let (stored, subject) = try await store.read {
            db -> (PasswordHash?, IdentityStore.ThrottleSubject?) in
            let account = try activeAccount(db, caller)
            let subject = account.email.map {
                IdentityStore.ThrottleSubject.account(organization: caller.organization, email: $0)
            }
            if let subject, try store.lockedUntil(db, subject, at: at) != nil {
                throw IdentityError.throttled
            }
            return (try store.currentPassword(db, account: caller.id), subject)
        }
        guard let stored, try await hasher.verify(request.currentPassword, against: stored) else {
            if let subject {
                try await store.write { db in
                    try store.recordFailure(
                        db, subject, limit: configuration.throttle.accountFailures,
                        policy: configuration.throttle,
                        at: at)
                    try audit(
                        db, organization: caller.organization,
                        AuditEntry(
                            actor: caller.id, action: "password.change", outcome: .failure,
                            subject: caller.id,
                            detail: "wrong current password"),
                        requestID: caller.requestID)
                }
            }
            throw IdentityError(.permissionDenied, "current_password is wrong")
        }
        let fresh = try await hasher.hash(request.newPassword)
        let count = try await store.write { db -> Int in
            try requireActiveCaller(db, caller)
            try store.insertPassword(db, organization: caller.organization, account: caller.id, fresh, at: at)
            // The caller's own session goes on; every other one ends.
            let count = try store.revokeSessions(db, account: caller.id, keeping: caller.sessionID, at: at)
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, action: "password.change", subject: caller.id,
                    detail: "sessions revoked: \(count)"),
                requestID: caller.requestID)
            return count
        }
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
        let exists = try await store.read { db in
            try AccountRecord.fetch(db, organization: caller.organization, id: target)
        }
        guard let exists else { throw IdentityError.notFound("account") }
        guard !exists.isService else {
            throw IdentityError(.failedPrecondition, "service accounts sign in with a secret, not a password")
        }
        let fresh = try await hasher.hash(request.newPassword)
        let at = store.nowMillis
        let count = try await store.write { db -> Int in
            try requireActiveCaller(db, caller)
            try store.insertPassword(db, organization: caller.organization, account: target, fresh, at: at)
            let count = try store.revokeSessions(db, account: target, at: at)
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, action: "password.set", subject: target,
                    client: exists.isClient ? target : nil, detail: "sessions revoked: \(count)"),
                requestID: caller.requestID)
            return count
        }
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
        let at = store.nowMillis
        let account = try await store.write { db -> AccountRecord in
            try requireActiveCaller(db, caller)
            guard try AccountRecord.fetch(db, organization: caller.organization, id: target) != nil else {
                throw IdentityError.notFound("account")
            }
            try store.disableTotp(db, account: target, at: at)
            let count = try store.revokeSessions(db, account: target, at: at)
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, action: "totp.reset", subject: target,
                    detail: "sessions revoked: \(count)"),
                requestID: caller.requestID)
            guard let account = try AccountRecord.fetch(db, organization: caller.organization, id: target)
            else {
                throw IdentityError.notFound("account")
            }
            return account
        }
        var response = Tillit_Identity_V1_ResetTotpResponse()
        response.account = account.proto
        return response
    }
}
