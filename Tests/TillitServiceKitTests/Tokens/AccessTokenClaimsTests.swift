import Foundation
import Testing

@testable import TillitServiceKit

@Suite(.timeLimit(.minutes(2))) struct AccessTokenClaimsTests {
    @Test func encodesTheRegisteredJSONKeys() throws {
        let issuedAt = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z
        let claims = AccessTokenClaims(
            subject: "acct-1", organization: "org-1", kind: .staff, roles: [.supervisor, .admin],
            licence: .preLicensed, tokenID: "jti-1", issuedAt: issuedAt,
            expiresAt: issuedAt.addingTimeInterval(900), scope: .totpEnrolment)
        #expect(claims.roles == [.admin, .supervisor])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(claims), as: UTF8.self)
        #expect(
            json
                == #"{"aud":"tillit","exp":"2026-01-02T03:19:05Z","iat":"2026-01-02T03:04:05Z","iss":"tillit-identity","jti":"jti-1","kind":"staff","licence":"pre_licensed","org":"org-1","roles":["admin","supervisor"],"scope":"totp_enrolment","sub":"acct-1"}"#
        )
        #expect(try JSONDecoder().decode(AccessTokenClaims.self, from: Data(json.utf8)) == claims)
    }

    @Test func absentOptionalsAreOmitted() throws {
        let claims = AccessTokenClaims(
            subject: "svc-1", organization: "org-1", kind: .service, tokenID: "j",
            issuedAt: Date(timeIntervalSince1970: 0), expiresAt: Date(timeIntervalSince1970: 60))
        let json = String(decoding: try JSONEncoder().encode(claims), as: UTF8.self)
        #expect(!json.contains("licence"))
        #expect(!json.contains("scope"))
        #expect(json.contains(#""iat":"1970-01-01T00:00:00Z""#))
        let decoded = try JSONDecoder().decode(AccessTokenClaims.self, from: Data(json.utf8))
        #expect(decoded == claims)
        #expect(decoded.principal.kind == .service)
        #expect(decoded.principal.licence == nil)
    }

    @Test func rejectsUnknownKindsAndBadDates() {
        let valid =
            #"{"aud":"tillit","exp":"2026-01-02T03:19:05Z","iat":"2026-01-02T03:04:05Z","iss":"tillit-identity","jti":"j","kind":"staff","org":"o","roles":[],"sub":"s"}"#
        #expect((try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(valid.utf8))) != nil)
        for bad in [
            valid.replacingOccurrences(of: #""staff""#, with: #""root""#),
            valid.replacingOccurrences(of: "2026-01-02T03:19:05Z", with: "1767323945"),
            valid.replacingOccurrences(of: "2026-01-02T03:19:05Z", with: "2026-02-30T03:19:05Z"),
            valid.replacingOccurrences(of: #","sub":"s""#, with: ""),
        ] {
            #expect(
                (try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(bad.utf8))) == nil, "\(bad)")
        }
    }

    @Test func readsRFC3339WithOffsetsAndFractions() {
        let instant = Date(timeIntervalSince1970: 1_640_995_200)  // 2022-01-01T00:00:00Z
        #expect(RFC3339.parse("2022-01-01T00:00:00Z") == instant)
        #expect(RFC3339.parse("2022-01-01T00:00:00+00:00") == instant)
        #expect(RFC3339.parse("2022-01-01T01:30:00+01:30") == instant)
        #expect(RFC3339.parse("2021-12-31T23:00:00-01:00") == instant)
        #expect(RFC3339.parse("2022-01-01T00:00:00.5Z") == instant.addingTimeInterval(0.5))
        #expect(RFC3339.parse("2024-02-29T12:00:00Z") != nil)
        for bad in [
            "2023-02-29T12:00:00Z", "2022-01-01 00:00:00Z", "2022-01-01T00:00:00", "2022-1-01T00:00:00Z",
            "2022-01-01T24:00:00Z", "2022-01-01T00:00:00.Z", "2022-01-01T00:00:00Zjunk", "",
        ] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
        // Formatting drops fractions and round-trips across eras.
        #expect(RFC3339.format(instant.addingTimeInterval(0.999)) == "2022-01-01T00:00:00Z")
        for seconds in [-62_135_596_800.0, -1, 0, 951_782_400, 4_102_444_799, 253_402_300_799] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC3339.format(date).flatMap(RFC3339.parse) == date, "\(seconds)")
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 253_402_300_800)) == nil)
    }
}
