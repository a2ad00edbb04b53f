import Foundation
import GRDB
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func bootstrap(_ request: Tillit_Identity_V1_BootstrapRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_BootstrapResponse
    {
        let name = try Validation.name(request.organizationName, field: "organization_name")
        let timeZone = try Validation.timeZone(request.timeZone)
        guard request.locations.count <= 100 else { throw IdentityError.invalid("locations", "at most 100") }
        let locations = try request.locations.enumerated().map {
            try NewLocationInput($0.element, field: "locations[\($0.offset)]")
        }
        let admin = NewStaffInput(
            email: try Validation.email(request.adminEmail, field: "admin_email"),
            displayName: try Validation.name(request.adminDisplayName, field: "admin_display_name"),
            roles: ["admin"])
        try PasswordPolicy.validate(request.adminPassword)
        let secretGiven = !request.bootstrapSecret.isEmpty
        let secretMatches =
            secretGiven
            && configuration.bootstrapSecret.map {
                ConstantTime.equal(Array($0.utf8), Array(request.bootstrapSecret.utf8))
            } ?? false
        if secretGiven && !secretMatches {
            throw IdentityError.denied("bootstrap is not allowed: wrong bootstrap secret")
        }
        // Refuse early (before ~a second of hashing) when the database is not empty.
        if !secretMatches, try await store.read({ try store.hasOrganizations($0) }) {
            throw IdentityError.denied(
                "bootstrap is not allowed: an organisation exists (a bootstrap secret is needed)")
        }
        let password = try await hasher.hash(request.adminPassword)
        let organizationID = IdentityStore.newID()
        let requestID = context.requestID
        let at = store.nowMillis
        let (organization, account) = try await store.write { db in
            if !secretMatches, try store.hasOrganizations(db) {
                throw IdentityError.denied(
                    "bootstrap is not allowed: an organisation exists (a bootstrap secret is needed)")
            }
            try store.insertOrganization(
                db, id: organizationID, name: name, timeZone: timeZone, locations: locations, at: at)
            let adminID = try store.insertStaff(
                db, organization: organizationID, admin, password: password, grantedBy: nil, at: at)
            try audit(
                db, organization: organizationID,
                AuditEntry(
                    actor: nil, action: "organization.bootstrap", subject: adminID,
                    detail: "admin: \(admin.email)"),
                requestID: requestID)
            guard let organization = try store.organization(db, id: organizationID),
                let account = try AccountRecord.fetch(db, organization: organizationID, id: adminID)
            else { throw IdentityError(.internalError, "bootstrap did not persist") }
            return (organization, account)
        }
        var response = Tillit_Identity_V1_BootstrapResponse()
        response.organization = organization
        response.admin = account.proto
        return response
    }

    func login(_ request: Tillit_Identity_V1_LoginRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_LoginResponse
    {
        let organization = try Validation.id(request.organizationID.value, field: "organization_id")
        let email = try Validation.email(request.email)
        guard !request.password.isEmpty, request.password.utf8.count <= PasswordPolicy.maximumBytes else {
            throw IdentityError.loginFailed
        }
        let address = Self.sourceAddress(context.peer)
        let accountSubject = IdentityStore.ThrottleSubject.account(organization: organization, email: email)
        let addressSubject = IdentityStore.ThrottleSubject.address(address)
        let unknownOrganizationSubject = IdentityStore.ThrottleSubject.unknownOrganization(
            organization: organization, email: email)
        let at = store.nowMillis
        let requestID = context.requestID
        let (record, stored, locked) = try await store.read { db -> (AccountRecord?, PasswordHash?, Bool) in
            let locked =
                try store.lockedUntil(db, addressSubject, at: at) != nil
                || store.lockedUntil(db, accountSubject, at: at) != nil
                || store.lockedUntil(db, unknownOrganizationSubject, at: at) != nil
            let record = try AccountRecord.fetch(db, organization: organization, email: email)
            let stored = try record.flatMap { try store.currentPassword(db, account: $0.id) }
            return (record, stored, locked)
        }
        if locked { throw IdentityError.throttled }
        var passwordOK = false
        if let stored, let record, record.isActive {
            passwordOK = try await hasher.verify(request.password, against: stored)
        } else {
            try await hasher.dummyVerify(request.password)
        }
        var totpStep: Int64?
        var totpSecretID: Int64?
        if passwordOK, let record, record.totpEnabled {
            let secret = try await store.read { db in try store.confirmedTotp(db, account: record.id) }
            if let secret {
                let plain = try secrets.open(
                    secret.ciphertext, keyVersion: secret.keyVersion, context: record.id)
                totpStep = TOTP(secret: Array(plain)).match(
                    request.totpCode, at: store.now(), after: secret.lastUsedStep)
                totpSecretID = secret.id
            }
        }
        let totpOK = !(record?.totpEnabled ?? false) || totpStep != nil
        guard passwordOK, totpOK, let record else {
            let reason = !passwordOK ? "password" : "totp"
            try await store.write { db in
                try store.recordFailure(
                    db, addressSubject, limit: configuration.throttle.addressFailures,
                    policy: configuration.throttle, at: at)
                guard
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?)",
                        arguments: [organization]) == true
                else {
                    try store.recordFailure(
                        db, unknownOrganizationSubject, limit: configuration.throttle.accountFailures,
                        policy: configuration.throttle, at: at)
                    return
                }
                try store.recordFailure(
                    db, accountSubject, limit: configuration.throttle.accountFailures,
                    policy: configuration.throttle, at: at)
                try audit(
                    db, organization: organization,
                    AuditEntry(
                        actor: nil, action: "login", outcome: .failure, subject: record?.id,
                        detail: record == nil ? "unknown account" : "wrong \(reason)"),
                    requestID: requestID)
            }
            throw IdentityError.loginFailed
        }
        let needsRehash = hasher.needsRehash(stored!)
        let rehashed = needsRehash ? try? await hasher.hash(request.password) : nil
        let scope = !record.totpEnabled && Self.requiresTotp(record.roles) ? "totp_enrolment" : nil
        let lifetime = configuration.refreshTokenLifetime
        let usedTotp = totpSecretID.flatMap { id in totpStep.map { (id, $0) } }
        let refresh = try await store.write { db -> IssuedRefreshToken in
            if let (totpSecretID, totpStep) = usedTotp {
                // Only one login may use a code: a concurrent replay finds the step already used.
                try db.execute(
                    sql: """
                        UPDATE totp_secrets SET last_used_step = ?
                        WHERE id = ? AND (last_used_step IS NULL OR last_used_step < ?)
                        """,
                    arguments: [totpStep, totpSecretID, totpStep])
                guard db.changesCount == 1 else { throw IdentityError.loginFailed }
            }
            try store.recordSuccess(db, accountSubject, at: at)
            if let rehashed {
                try store.insertPassword(db, organization: organization, account: record.id, rehashed, at: at)
            }
            try audit(
                db, organization: organization,
                AuditEntry(
                    actor: record.id, action: "login", subject: record.id,
                    detail: record.totpEnabled ? "password+totp" : "password"),
                requestID: requestID)
            return try store.insertRefreshToken(
                db, organization: organization, account: record.id, at: at, lifetime: lifetime)
        }
        var response = Tillit_Identity_V1_LoginResponse()
        response.tokens = try await issuer.pair(for: record, refresh: refresh, scope: scope)
        response.account = record.proto
        response.totpEnrolmentRequired = scope != nil
        return response
    }

    func loginService(_ request: Tillit_Identity_V1_LoginServiceRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_LoginServiceResponse
    {
        let organization = try Validation.id(request.organizationID.value, field: "organization_id")
        let accountID = try Self.accountID(request.accountID)
        guard !request.secret.isEmpty, request.secret.utf8.count <= 1024 else {
            throw IdentityError.loginFailed
        }
        let address = IdentityStore.ThrottleSubject.address(Self.sourceAddress(context.peer))
        let at = store.nowMillis
        let presented = IdentityStore.tokenHash(request.secret)
        let requestID = context.requestID
        let lifetime = configuration.refreshTokenLifetime
        let outcome = try await store.write { db -> (AccountRecord, IssuedRefreshToken)? in
            if try store.lockedUntil(db, address, at: at) != nil { throw IdentityError.throttled }
            let stored = try Data.fetchOne(
                db,
                sql: "SELECT secret_hash FROM service_profiles WHERE organization_id = ? AND account_id = ?",
                arguments: [organization, accountID])
            guard let stored, ConstantTime.equal(stored, presented),
                let record = try AccountRecord.fetch(db, organization: organization, id: accountID),
                record.isActive
            else {
                try store.recordFailure(
                    db, address, limit: configuration.throttle.addressFailures,
                    policy: configuration.throttle, at: at)
                if stored != nil {
                    try audit(
                        db, organization: organization,
                        AuditEntry(
                            actor: nil, action: "login.service", outcome: .failure, subject: accountID),
                        requestID: requestID)
                }
                return nil
            }
            try audit(
                db, organization: organization,
                AuditEntry(actor: accountID, action: "login.service", subject: accountID),
                requestID: requestID)
            let refresh = try store.insertRefreshToken(
                db, organization: organization, account: accountID, at: at, lifetime: lifetime)
            return (record, refresh)
        }
        guard let (record, refresh) = outcome else { throw IdentityError.loginFailed }
        var response = Tillit_Identity_V1_LoginServiceResponse()
        response.tokens = try await issuer.pair(for: record, refresh: refresh)
        return response
    }

    func refresh(_ request: Tillit_Identity_V1_RefreshRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_RefreshResponse
    {
        guard !request.refreshToken.isEmpty, request.refreshToken.utf8.count <= 256 else {
            throw IdentityError(.unauthenticated, "invalid refresh token")
        }
        let at = store.nowMillis
        let requestID = context.requestID
        let outcome = try await store.write { db -> RefreshOutcome in
            let outcome = try store.rotateRefreshToken(db, token: request.refreshToken, at: at)
            if case .reused(let account, let organization, let family) = outcome {
                try audit(
                    db, organization: organization,
                    AuditEntry(
                        actor: nil, action: "session.reuse_detected", outcome: .denied, subject: account,
                        detail: "refresh token presented twice; session \(family.prefix(8)) revoked"),
                    requestID: requestID)
            }
            return outcome
        }
        guard case .rotated(let record, let next) = outcome else {
            throw IdentityError(.unauthenticated, "invalid refresh token")
        }
        let scope = !record.totpEnabled && Self.requiresTotp(record.roles) ? "totp_enrolment" : nil
        var response = Tillit_Identity_V1_RefreshResponse()
        response.tokens = try await issuer.pair(for: record, refresh: next, scope: scope)
        return response
    }

    func logout(_ request: Tillit_Identity_V1_LogoutRequest, context: ServerContext) async throws
        -> Tillit_Identity_V1_LogoutResponse
    {
        guard !request.refreshToken.isEmpty, request.refreshToken.utf8.count <= 256 else {
            return Tillit_Identity_V1_LogoutResponse()
        }
        let at = store.nowMillis
        let requestID = context.requestID
        try await store.write { db in
            guard let (organization, account, family) = try store.family(db, token: request.refreshToken)
            else { return }
            if try store.revokeFamily(db, family: family, at: at) > 0 {
                try audit(
                    db, organization: organization,
                    AuditEntry(actor: account, action: "logout", subject: account), requestID: requestID)
            }
        }
        return Tillit_Identity_V1_LogoutResponse()
    }

    func revokeSessions(_ request: Tillit_Identity_V1_RevokeSessionsRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_RevokeSessionsResponse
    {
        let caller = try Caller.current(context)
        let target = try Self.accountID(request.accountID)
        try caller.require(
            !caller.isService && (caller.isAdmin || target == caller.id), "end another account's sessions")
        let at = store.nowMillis
        let count = try await store.write { db -> Int in
            try requireActiveCaller(db, caller)
            guard try AccountRecord.fetch(db, organization: caller.organization, id: target) != nil else {
                throw IdentityError.notFound("account")
            }
            let count = try store.revokeSessions(db, account: target, at: at)
            try audit(
                db, organization: caller.organization,
                AuditEntry(
                    actor: caller.id, action: "sessions.revoke", subject: target, detail: "sessions: \(count)"
                ),
                requestID: caller.requestID)
            return count
        }
        var response = Tillit_Identity_V1_RevokeSessionsResponse()
        response.revokedSessions = UInt32(clamping: count)
        return response
    }

    func getSigningKeys(_ request: Tillit_Identity_V1_GetSigningKeysRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_GetSigningKeysResponse
    {
        var response = Tillit_Identity_V1_GetSigningKeysResponse()
        response.keys = keys.publishedKeys().map { published in
            let key = published.verification
            var signingKey = Tillit_Identity_V1_SigningKey()
            signingKey.keyID = key.keyID
            signingKey.algorithm = .ed25519
            signingKey.publicKey = key.publicKey.rawRepresentation
            signingKey.createdAt = WireMapping.timestamp(published.createdAt)
            signingKey.notAfter = WireMapping.timestamp(key.notAfter)
            return signingKey
        }
        return response
    }

    /// The host part of `ip:port` / `[v6]:port`.
    static func sourceAddress(_ peer: String) -> String {
        guard let colon = peer.lastIndex(of: ":") else { return peer }
        return String(peer[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    }
}
