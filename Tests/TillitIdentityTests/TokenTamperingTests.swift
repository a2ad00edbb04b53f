import Crypto
import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Access tokens that were altered, forged, expired, misdirected or are not PASETO at all; and
/// the rotation of the signing keys.
@Suite(.timeLimit(.minutes(5)))
struct TokenTamperingTests {
    /// Claims as JSON, the way the signer writes them.
    static func encode(_ claims: AccessTokenClaims) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(claims)
    }

    @Test func anAlteredClaimIsRefused() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let practitionerID = practice.id(.practitioner)
            let token = try #require(practice.tokens[.practitioner])
            let parts = try TokenParts(token)
            // Taken apart and put together again, the token is unchanged and works.
            #expect(parts.token == token)
            #expect(try Self.encode(parts.claims) == parts.message)
            _ = try await harness.me(parts.token, id: practitionerID)

            let original = try parts.claims
            var alterations: [(String, AccessTokenClaims)] = []
            var claims = original
            claims.organization = practice.otherOrganization
            alterations.append(("org", claims))
            claims = original
            claims.roles = [.admin, .practitioner]
            alterations.append(("roles", claims))
            claims = original
            claims.subject = practice.id(.admin)
            alterations.append(("sub", claims))
            claims = original
            claims.kind = .service
            alterations.append(("kind", claims))
            claims = original
            claims.expiresAt = original.expiresAt.addingTimeInterval(86_400)
            alterations.append(("exp", claims))
            for (what, altered) in alterations {
                var forged = parts
                forged.message = try Self.encode(altered)
                #expect(forged.message != parts.message)
                await expectRPCError(.unauthenticated, what) {
                    try await harness.me(forged.token, id: practitionerID)
                }
            }
            // The JSON edited by hand, byte for byte the same length.
            var edited = parts
            let text = String(decoding: parts.message, as: UTF8.self)
            edited.message = Data(
                text.replacingOccurrences(of: "\"practitioner\"", with: "\"admin\"       ").utf8)
            #expect(edited.message.count == parts.message.count)
            await expectRPCError(.unauthenticated, "edited roles") {
                try await harness.identity.listAuditEvents(
                    .init(), options: IdentityHarness.auth(edited.token))
            }
            // A flipped bit of the signature, another key id, or no footer.
            var flipped = parts
            flipped.signature[flipped.signature.startIndex] ^= 0x01
            await expectRPCError(.unauthenticated, "signature") {
                try await harness.me(flipped.token, id: practitionerID)
            }
            var otherKey = parts
            otherKey.footer = Data(#"{"kid":"ed25519-0000000000000"}"#.utf8)
            await expectRPCError(.unauthenticated, "kid") {
                try await harness.me(otherKey.token, id: practitionerID)
            }
            let withoutFooter = PASETOV4Public.header + TestBase64URL.encode(parts.message + parts.signature)
            await expectRPCError(.unauthenticated, "footer") {
                try await harness.me(withoutFooter, id: practitionerID)
            }
            // The untouched token still works.
            _ = try await harness.me(token, id: practitionerID)
        }
    }

    @Test func aTokenSignedWithAnotherKeyIsRefused() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let practitionerID = practice.id(.practitioner)
            let parts = try TokenParts(try #require(practice.tokens[.practitioner]))
            let keyID = try parts.keyID
            let published = try await harness.identity.getSigningKeys(.init()).keys.map(\.keyID)
            #expect(published.contains(keyID))

            let forger = AccessTokenSigner(keyID: keyID, privateKey: Curve25519.Signing.PrivateKey())
            var claims = try parts.claims
            let sameClaims = try forger.sign(claims)
            #expect(try TokenParts(sameClaims).keyID == keyID)
            await expectRPCError(.unauthenticated, "same claims") {
                try await harness.me(sameClaims, id: practitionerID)
            }
            claims.roles = [.admin]
            claims.tokenID = UUID().uuidString.lowercased()
            let admin = try forger.sign(claims)
            await expectRPCError(.unauthenticated, "admin claims") {
                try await harness.identity.listAuditEvents(.init(), options: IdentityHarness.auth(admin))
            }
            let unknown = AccessTokenSigner(
                keyID: "ed25519-unknown", privateKey: Curve25519.Signing.PrivateKey())
            await expectRPCError(.unauthenticated, "unknown key") {
                try await harness.me(try unknown.sign(claims), id: practitionerID)
            }
        }
    }

    @Test func anExpiredTokenIsRefused() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let practitionerID = practice.id(.practitioner)
            let tokens = try await harness.login(practice.organization, "practitioner@stigen.se").tokens
            let claims = try unverifiedClaims(tokens.accessToken)
            #expect(claims.expiresAt.timeIntervalSince(claims.issuedAt) == 15 * 60)
            #expect(Double(tokens.accessTokenExpiresAt.seconds) == claims.expiresAt.timeIntervalSince1970)
            // Within the verifier's 30 s of clock skew it still works, past it no more.
            harness.advanceClock(to: claims.expiresAt.addingTimeInterval(20))
            _ = try await harness.me(tokens.accessToken, id: practitionerID)
            harness.advanceClock(to: claims.expiresAt.addingTimeInterval(31))
            let error = await expectRPCError(.unauthenticated) {
                try await harness.me(tokens.accessToken, id: practitionerID)
            }
            #expect(error?.message.contains("expired") == true)
            // A token never used before fails the same way.
            await expectRPCError(.unauthenticated) {
                try await harness.identity.getOrganization(.init(), options: practice.options(.scheduler))
            }
            // The refresh token gives a new one.
            let renewed = try await harness.refresh(tokens.refreshToken)
            _ = try await harness.me(renewed.accessToken, id: practitionerID)
        }
    }

    @Test func anotherOrganisationsTokenReadsNothingOfThisOne() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let other = practice.options(.otherAdmin)
            for role in [Practice.Role.admin, .practitioner, .supervisor, .client, .service] {
                var get = Tillit_Identity_V1_GetAccountRequest()
                get.accountID.value = practice.id(role)
                await expectRPCError(.notFound, "GetAccount \(role)") {
                    try await harness.identity.getAccount(get, options: other)
                }
                var isActive = Tillit_Identity_V1_IsActiveRequest()
                isActive.accountID.value = practice.id(role)
                await expectRPCError(.notFound, "IsActive \(role)") {
                    try await harness.identity.isActive(isActive, options: other)
                }
                var exists = Tillit_Identity_V1_AccountExistsRequest()
                exists.accountID.value = practice.id(role)
                #expect(try await harness.identity.accountExists(exists, options: other).exists == false)
            }
            var revoke = Tillit_Identity_V1_RevokeSessionsRequest()
            revoke.accountID.value = practice.id(.practitioner)
            await expectRPCError(.notFound) {
                try await harness.identity.revokeSessions(revoke, options: other)
            }
            var setRoles = Tillit_Identity_V1_SetRolesRequest()
            setRoles.accountID.value = practice.id(.practitioner)
            setRoles.roles = [.admin]
            await expectRPCError(.notFound) { try await harness.identity.setRoles(setRoles, options: other) }
            var deactivate = Tillit_Identity_V1_DeactivateAccountRequest()
            deactivate.accountID.value = practice.id(.admin)
            await expectRPCError(.notFound) {
                try await harness.identity.deactivateAccount(deactivate, options: other)
            }

            // What it reads is its own organisation.
            let organization = try await harness.identity.getOrganization(.init(), options: other)
                .organization
            #expect(organization.id.value == practice.otherOrganization)
            var list = Tillit_Identity_V1_ListAccountsRequest()
            list.page.pageSize = 100
            let accounts = try await harness.identity.listAccounts(list, options: other).accounts
            #expect(!accounts.isEmpty)
            #expect(accounts.allSatisfy { $0.organizationID.value == practice.otherOrganization })
            var audit = Tillit_Identity_V1_ListAuditEventsRequest()
            audit.page.pageSize = 100
            let events = try await harness.identity.listAuditEvents(audit, options: other).events
            let ours = Set(practice.ids.filter { $0.key != .otherAdmin }.values)
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { !ours.contains($0.actor.value) && !ours.contains($0.subject.value) })
            // And this organisation's admin sees nothing of the other.
            var foreign = Tillit_Identity_V1_GetAccountRequest()
            foreign.accountID.value = practice.id(.otherAdmin)
            await expectRPCError(.notFound) {
                try await harness.identity.getAccount(foreign, options: practice.options(.admin))
            }
        }
    }

    @Test func anythingButABearerV4PublicTokenIsRefused() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let token = try #require(practice.tokens[.practitioner])
            let body = token.dropFirst(PASETOV4Public.header.count)
            let headers = [
                "Bearer v4.local.\(body)",
                "Bearer v2.public.\(body)",
                "Bearer v3.public.\(body)",
                "Bearer V4.PUBLIC.\(body)",
                "Bearer eyJhbGciOiJub25lIn0.e30.",
                "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
                "Bearer ",
                "Bearer",
                "Bearer  ",
                "",
                "Basic xyz",
                "Basic \(token)",
                "Token \(token)",
                token,
                "Bearer \(token).",
                "Bearer \(token)=",
                "Bearer \(token).e30",
                "Bearer v4.public.",
                "Bearer v4.public.\(String(repeating: "A", count: 8_100))",
            ]
            for header in headers {
                var metadata = Metadata()
                metadata.add("authorization", header)
                await expectRPCError(.unauthenticated, "'\(header.prefix(40))'") {
                    try await harness.identity.getOrganization(
                        .init(), options: CallOptions(metadata: metadata))
                }
            }
            // Over the RPC layer's 8 KiB metadata value cap, refused before any token check.
            var huge = Metadata()
            huge.add("authorization", "Bearer v4.public.\(String(repeating: "A", count: 10_000))")
            await expectRPCError(.resourceExhausted, "a 10 kB authorization value") {
                try await harness.identity.getOrganization(.init(), options: CallOptions(metadata: huge))
            }
            await expectRPCError(.unauthenticated, "no authorization") {
                try await harness.identity.getOrganization(.init())
            }
            // The scheme is case-insensitive; the token itself works.
            var metadata = Metadata()
            metadata.add("authorization", "bearer \(token)")
            let organization = try await harness.identity.getOrganization(
                .init(), options: CallOptions(metadata: metadata))
            #expect(organization.organization.id.value == practice.organization)
        }
    }

    // MARK: - Key rotation

    @Test func signingKeysRotateAndOldTokensVerifyUntilTheyExpire() async throws {
        try await withIdentity(configure: { $0.signingKeyRotation = .seconds(600) }) { harness in
            let practice = try await Practice.make(harness)
            let organization = practice.organization
            let practitionerID = practice.id(.practitioner)
            let before = try await harness.identity.getSigningKeys(.init()).keys
            #expect(before.count == 1)
            let oldKey = try #require(before.first)
            #expect(oldKey.algorithm == .ed25519)
            #expect(oldKey.publicKey.count == 32)
            #expect(oldKey.hasCreatedAt)
            #expect(oldKey.notAfter.seconds > oldKey.createdAt.seconds + 600)

            // A token of the first key, first used after the rotation.
            let old = try await harness.login(organization, "practitioner@stigen.se").tokens.accessToken
            #expect(try TokenParts(old).keyID == oldKey.keyID)
            _ = try PASETOV4Public.verify(
                old, key: try Curve25519.Signing.PublicKey(rawRepresentation: oldKey.publicKey))

            // Past the rotation period the next token is signed with a new key.
            harness.advanceClock(to: Date(timeIntervalSince1970: Double(oldKey.createdAt.seconds + 601)))
            let fresh = try await harness.login(organization, "practitioner@stigen.se").tokens.accessToken
            let newKeyID = try TokenParts(fresh).keyID
            #expect(newKeyID != oldKey.keyID)
            let after = try await harness.identity.getSigningKeys(.init()).keys
            #expect(after.map(\.keyID) == [newKeyID, oldKey.keyID])
            let newKey = try #require(after.first)
            let retired = try #require(after.last)
            #expect(newKey.createdAt.seconds >= oldKey.createdAt.seconds + 600)
            _ = try PASETOV4Public.verify(
                fresh, key: try Curve25519.Signing.PublicKey(rawRepresentation: newKey.publicKey))
            // The retired key stays published for the life of the last token it signed (and a minute).
            let graceEnd = Double(retired.notAfter.seconds)
            let now = harness.clock.now().timeIntervalSince1970
            #expect(graceEnd > now + 15 * 60 && graceEnd <= now + 15 * 60 + 61)

            _ = try await harness.me(fresh, id: practitionerID)
            _ = try await harness.me(old, id: practitionerID)

            // A token signed with the retired key now (its file is still there) verifies during
            // the grace period and not after it.
            let keyFile = (harness.dataDirectory as NSString).appendingPathComponent(
                "keys/\(oldKey.keyID).key")
            let privateKey = try Curve25519.Signing.PrivateKey(
                rawRepresentation: try #require(FileManager.default.contents(atPath: keyFile)))
            let oldSigner = AccessTokenSigner(keyID: oldKey.keyID, privateKey: privateKey)
            func signedWithTheOldKey() throws -> String {
                var claims = try unverifiedClaims(old)
                claims.tokenID = UUID().uuidString.lowercased()
                claims.issuedAt = Date(
                    timeIntervalSince1970: harness.clock.now().timeIntervalSince1970.rounded(.down))
                claims.expiresAt = claims.issuedAt.addingTimeInterval(15 * 60)
                return try oldSigner.sign(claims)
            }
            _ = try await harness.me(try signedWithTheOldKey(), id: practitionerID)

            // The old token expires as usual.
            harness.advanceClock(to: try unverifiedClaims(old).expiresAt.addingTimeInterval(31))
            await expectRPCError(.unauthenticated, "the old token expired") {
                try await harness.me(old, id: practitionerID)
            }

            harness.advanceClock(to: Date(timeIntervalSince1970: graceEnd + 1))
            let published = try await harness.identity.getSigningKeys(.init()).keys.map(\.keyID)
            #expect(!published.contains(oldKey.keyID))
            #expect(published.contains(newKeyID))
            await expectRPCError(.unauthenticated, "signed with the retired key after its grace") {
                try await harness.me(try signedWithTheOldKey(), id: practitionerID)
            }
            // New logins go on working (with whichever key is current now).
            let latest = try await harness.login(organization, "practitioner@stigen.se").tokens.accessToken
            _ = try await harness.me(latest, id: practitionerID)
        }
    }
}
