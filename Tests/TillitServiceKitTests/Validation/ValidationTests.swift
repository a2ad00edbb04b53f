import Foundation
import Testing
import TillitContracts
import TillitServiceKit
import TillitTesting

/// The shared input rules on their own, without a server: `Validation` (ids, names, free text,
/// e-mail, IANA zones, BCP 47 tags) and `Page` requests. Every refusal is INVALID_ARGUMENT with a
/// message starting with the field's name.
@Suite(.timeLimit(.minutes(1)))
struct ValidationTests {
    @Test func idsAreLowerCaseUUIDs() throws {
        #expect(
            try Validation.id("0B7E7C5A-1F3D-4C47-9E6B-6A1C2D3E4F50", field: "account_id")
                == "0b7e7c5a-1f3d-4c47-9e6b-6a1c2d3e4f50")
        #expect(
            expectInvalidArgument(naming: "account_id", { try Validation.id("", field: "account_id") })?
                .message.contains("empty")
                == true)
        for bad in [
            "abc", String(repeating: "z", count: 36), "0b7e7c5a1f3d4c479e6b6a1c2d3e4f50",
            "{0b7e7c5a-1f3d-4c47-9e6b-6a1c2d3e4f5}", "0b7e7c5a-1f3d-4c47-9e6b-6a1c2d3e4f50 ",
        ] {
            let error = expectInvalidArgument(
                naming: "client_id", { try Validation.id(bad, field: "client_id") })
            #expect(error?.message == "client_id: is not an id", "\(bad)")
        }
    }

    @Test func namesAreTrimmedBoundedAndFreeOfControlCharacters() throws {
        #expect(try Validation.name("  Åsa Öberg \n", field: "display_name") == "Åsa Öberg")
        let longest = String(repeating: "é", count: 200)
        #expect(try Validation.name(longest, field: "name") == longest)
        #expect(
            expectInvalidArgument(naming: "name", { try Validation.name("", field: "name") })?.message
                == "name: must not be empty")
        #expect(
            expectInvalidArgument(naming: "name", { try Validation.name(" \t ", field: "name") })?.message
                == "name: must not be empty")
        #expect(
            expectInvalidArgument(naming: "name", { try Validation.name(longest + "e", field: "name") })?
                .message
                == "name: must be at most 200 characters")
        #expect(
            expectInvalidArgument(naming: "city", { try Validation.name("Lund", field: "city", max: 3) })?
                .message
                == "city: must be at most 3 characters")
        for control in ["Stigen\u{0}", "Sti\u{7}gen", "a\nb", "a\u{1B}b"] {
            #expect(
                expectInvalidArgument(naming: "name", { try Validation.name(control, field: "name") })?
                    .message
                    == "name: must not contain control characters", "\(control.debugDescription)")
        }
    }

    @Test func freeTextMayBeEmptyAndKeepsLineBreaks() throws {
        #expect(try Validation.text("", field: "address", max: 10) == "")
        #expect(
            try Validation.text("  Storgatan 1\nLund\t \n", field: "address", max: 100) == "Storgatan 1\nLund"
        )
        #expect(try Validation.text("a\r\n\tb", field: "address", max: 100) == "a\r\n\tb")
        #expect(try Validation.text("abcd", field: "reason", max: 4) == "abcd")
        #expect(
            expectInvalidArgument(
                naming: "reason", { try Validation.text("abcde", field: "reason", max: 4) })?.message
                == "reason: must be at most 4 characters")
        #expect(
            expectInvalidArgument(
                naming: "address", { try Validation.text("a\u{1B}b", field: "address", max: 100) })?.message
                == "address: must not contain control characters")
    }

    @Test func emailAddressesAreNormalisedAndChecked() throws {
        #expect(try Validation.email("  Anna@Stigen.SE ") == "anna@stigen.se")
        let local64 = String(repeating: "a", count: 64)
        #expect(try Validation.email(local64 + "@x.se") == local64 + "@x.se")
        #expect(
            expectInvalidArgument(naming: "email", { try Validation.email("") })?.message
                == "email: must not be empty")
        #expect(
            expectInvalidArgument(
                naming:
                    "admin_email",
                { try Validation.email(String(repeating: "a", count: 250) + "@x.se", field: "admin_email") })?
                .message == "admin_email: is longer than 254 bytes")
        for bad in [
            "not-an-email", "a@b", "@x.se", "a@.se", "a@x.se.", "a@x..se", "a@@x.se", "a@b@x.se", "a b@x.se",
            "a@x\u{7}.se", local64 + "a@x.se",
        ] {
            #expect(
                expectInvalidArgument(naming: "email", { try Validation.email(bad) })?.message
                    == "email: is not a valid e-mail address",
                "\(bad.debugDescription)")
        }
    }

    @Test func timeZonesMustBeIANANames() throws {
        #expect(try Validation.timeZone("Europe/Stockholm") == "Europe/Stockholm")
        #expect(try Validation.timeZone(" UTC ") == "UTC")
        #expect(try Validation.timeZone("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires")
        #expect(
            expectInvalidArgument(naming: "time_zone", { try Validation.timeZone("") })?.message
                == "time_zone: must not be empty")
        for bad in [
            "CET", "CET+1", "+01:00", "GMT+1", "Mars/Olympus", "europe/stockholm", "Europe/Stockholm/",
        ] {
            let error = expectInvalidArgument(
                naming:
                    "profile.time_zone", { try Validation.timeZone(bad, field: "profile.time_zone") })
            #expect(error?.message.contains("'\(bad)' is not an IANA time zone") == true, "\(bad)")
        }
        let long = "Europe/" + String(repeating: "x", count: 100)
        #expect(
            expectInvalidArgument(naming: "time_zone", { try Validation.timeZone(long) })?.message.contains(
                String(long.prefix(64)) + "'")
                == true)
    }

    @Test func languageTagsAreBCP47NormalisedAndDeduplicated() throws {
        #expect(try Validation.languages([]) == [])
        #expect(try Validation.languages(["sv", "fi", "sv"]) == ["sv", "fi"])
        #expect(
            try Validation.languages([" SV ", "sv", "EN-GB", "zh-Hant-TW"]) == ["sv", "en-GB", "zh-Hant-TW"])
        #expect(try Validation.languages(["sv-1996"]) == ["sv-1996"])
        let twenty = (0..<20).map { "x" + String(UnicodeScalar(UInt8(97 + $0))) }
        #expect(try Validation.languages(twenty).count == 20)
        #expect(
            expectInvalidArgument(naming: "languages", { try Validation.languages(twenty + ["sv"]) })?.message
                == "languages: at most 20 languages")
        for bad in [
            "not a tag", "s", "sv-", "-sv", "123", "sv_SE", "sv-abcdefghi", "abcdefghi", "x-private", "",
        ] {
            let error = expectInvalidArgument(
                naming:
                    "profile.languages",
                { try Validation.languages(["sv", bad], field: "profile.languages") })
            #expect(error?.message == "profile.languages: '\(bad)' is not a BCP 47 language tag", "\(bad)")
        }
        let tooLong = "sv-" + Array(repeating: "abcdefgh", count: 4).joined(separator: "-")
        #expect(expectInvalidArgument(naming: "languages", { try Validation.languages([tooLong]) }) != nil)
        #expect(
            expectInvalidArgument(naming: "languages", { try Validation.languages([tooLong]) })?.message
                .hasPrefix("languages: '")
                == true)
    }

    @Test func timeRangesEndAfterTheyStartWithinBoundsAndLength() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let week = start.addingTimeInterval(7 * 86_400)
        #expect(try Validation.timeRange(start: start, end: week, field: "during") == start..<week)
        let backwards = expectInvalidArgument(naming: "during.end") {
            try Validation.timeRange(start: week, end: start, field: "during")
        }
        #expect(backwards?.message == "during.end: must be after the start")
        expectInvalidArgument(naming: "during.end") {
            try Validation.timeRange(start: start, end: start, field: "during")
        }
        let tooLong = expectInvalidArgument(naming: "during") {
            try Validation.timeRange(
                start: start, end: start.addingTimeInterval(63 * 86_400), field: "during",
                maximum: .seconds(62 * 86_400))
        }
        #expect(tooLong?.message == "during: must span at most 62 days")
        expectInvalidArgument(naming: "during.start") {
            try Validation.timeRange(start: Date(timeIntervalSince1970: -1), end: start, field: "during")
        }
        expectInvalidArgument(naming: "during.end") {
            try Validation.timeRange(
                start: start, end: Date(timeIntervalSince1970: 253_402_300_800), field: "during")
        }
    }

    @Test func pageRequestsAreBoundedAndTokensOpaque() throws {
        #expect(try Page(Tillit_Common_V1_PageRequest()).size == 50)
        #expect(try Page(.with { $0.pageSize = 7 }).size == 7)
        #expect(try Page(.with { $0.pageSize = 10_000 }).size == 500)
        let first = try Page(.with { $0.pageSize = 10 })
        let next = first.split(Array(0..<11)) { String($0) }.page.nextPageToken
        #expect(
            try Page(
                .with {
                    $0.pageSize = 10; $0.pageToken = next
                }
            ).after == "9")
        #expect(first.split(Array(0..<10)) { String($0) }.page.nextPageToken.isEmpty)
        for bad in [
            "not base64!", Data("x:10".utf8).base64EncodedString(), Data("o:-1".utf8).base64EncodedString(),
            String(repeating: "A", count: 65),
        ] {
            #expect(
                expectInvalidArgument(naming: "page.page_token", { try Page(.with { $0.pageToken = bad }) })?
                    .message
                    == "page.page_token: is not a token this service issued", "\(bad)")
        }
    }
}
