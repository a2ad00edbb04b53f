import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Helpers of the login, TOTP, refresh-token and token suites.
extension IdentityHarness {
    /// One Login call.
    func login(
        _ organization: String, _ email: String, password: String = IdentityHarness.password,
        totp: String = ""
    ) async throws -> Tillit_Identity_V1_LoginResponse {
        var request = Tillit_Identity_V1_LoginRequest()
        request.organizationID.value = organization
        request.email = email
        request.password = password
        request.totpCode = totp
        return try await identity.login(request)
    }

    /// One Refresh call: the new pair.
    func refresh(_ token: String) async throws -> Tillit_Identity_V1_TokenPair {
        var request = Tillit_Identity_V1_RefreshRequest()
        request.refreshToken = token
        return try await identity.refresh(request).tokens
    }

    /// A fresh, full session of an account that has TOTP (moves the clock to a new step).
    func login(_ organization: String, _ email: String, totpSecret: String) async throws
        -> Tillit_Identity_V1_LoginResponse
    {
        clock.advance(seconds: 30)
        return try await login(organization, email, totp: totpCode(totpSecret))
    }

    /// The caller's own account (any token that may read it).
    func me(_ token: String, id: String) async throws -> Tillit_Identity_V1_Account {
        var request = Tillit_Identity_V1_GetAccountRequest()
        request.accountID.value = id
        return try await identity.getAccount(request, options: IdentityHarness.auth(token)).account
    }

    /// Audit events of `action`, newest first (as an admin).
    func auditEvents(_ action: String, admin: CallOptions) async throws -> [Tillit_Identity_V1_AuditEvent] {
        var request = Tillit_Identity_V1_ListAuditEventsRequest()
        request.action = action
        request.page.pageSize = 100
        return try await identity.listAuditEvents(request, options: admin).events
    }

    /// Moves the clock forward to `date` (a restarted server's clock starts at the real time,
    /// behind a clock the previous run moved).
    func advanceClock(to date: Date) {
        let behind = date.timeIntervalSince(clock.now())
        if behind > 0 { clock.advance(seconds: behind) }
    }
}

/// Unpadded base64url, as PASETO writes it.
enum TestBase64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// A v4.public token taken apart without verifying it, to read its claims or tamper with it.
struct TokenParts {
    var message: Data
    var signature: Data
    /// The raw footer JSON, `{"kid":"…"}`.
    var footer: Data

    init(_ token: String) throws {
        guard token.hasPrefix(PASETOV4Public.header) else { throw TokenPartsError.notV4Public }
        let sections = token.dropFirst(PASETOV4Public.header.count).split(
            separator: ".", omittingEmptySubsequences: false)
        guard sections.count == 2, let body = TestBase64URL.decode(sections[0]), body.count > 64,
            let footer = TestBase64URL.decode(sections[1])
        else { throw TokenPartsError.malformed }
        message = body.prefix(body.count - 64)
        signature = body.suffix(64)
        self.footer = footer
    }

    /// The claims (unverified).
    var claims: AccessTokenClaims {
        get throws { try JSONDecoder().decode(AccessTokenClaims.self, from: message) }
    }

    /// The key id the footer names.
    var keyID: String {
        get throws {
            let object = try JSONSerialization.jsonObject(with: footer) as? [String: Any]
            guard let kid = object?["kid"] as? String else { throw TokenPartsError.malformed }
            return kid
        }
    }

    /// The token these parts make, with whatever signature they carry.
    var token: String {
        PASETOV4Public.header + TestBase64URL.encode(message + signature) + "." + TestBase64URL.encode(footer)
    }

    enum TokenPartsError: Error {
        case notV4Public
        case malformed
    }
}

/// The claims of an access token (unverified).
func unverifiedClaims(_ token: String) throws -> AccessTokenClaims {
    try TokenParts(token).claims
}
