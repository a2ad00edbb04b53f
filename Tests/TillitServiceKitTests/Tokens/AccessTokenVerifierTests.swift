import Crypto
import Foundation
import Logging
import Synchronization
import Testing
import TillitContracts
import TillitRPC
import TillitTesting

@testable import TillitServiceKit

@Suite(.timeLimit(.minutes(2))) struct AccessTokenVerifierTests {
    let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
    let signer = makeSigner("key-1")

    /// A verifier over `server` on the test clock.
    func makeVerifier(
        _ server: KeyServer, refetchInterval: Duration = .seconds(5), expectedOrganization: String? = nil,
        cacheCapacity: Int = 10_000
    ) -> AccessTokenVerifier {
        let clock = clock
        return AccessTokenVerifier(
            source: server.source, refetchInterval: refetchInterval,
            expectedOrganization: expectedOrganization,
            cacheCapacity: cacheCapacity, now: { clock.now() })
    }

    func key(_ signer: AccessTokenSigner, notAfter: TimeInterval = 86_400) -> VerificationKey {
        signer.verificationKey(notAfter: clock.now().addingTimeInterval(notAfter))
    }

    /// The `TokenError` code `body` fails with (nil if it succeeds or throws something else).
    func failure(_ body: () async throws -> some Any) async -> TokenError.Code? {
        do {
            _ = try await body()
            return nil
        } catch let error as TokenError {
            return error.code
        } catch {
            Issue.record("not a TokenError: \(error)")
            return nil
        }
    }

    @Test func validTokenGivesItsPrincipalAndClaims() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        var claims = makeClaims(issuedAt: clock.now())
        claims.scope = .totpEnrolment
        let token = try signer.sign(claims)

        let principal = try await verifier.verify(token)
        #expect(principal.subject == "acct-1")
        #expect(principal.organization == "org-1")
        #expect(principal.kind == .staff)
        #expect(principal.roles == [.practitioner, .supervisor])
        #expect(principal.licence == .licensed)
        #expect(principal.tokenID == "tok-acct-1")
        #expect(principal.scope == .totpEnrolment)
        #expect(principal.expiresAt == claims.expiresAt)
        #expect(try await verifier.verifyClaims(token) == claims)
        #expect(try PASETOV4Public.footer(of: token) == Data(#"{"kid":"key-1"}"#.utf8))
    }

    @Test func alteredClaimsAreRejected() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        let token = try signer.sign(makeClaims(issuedAt: clock.now()))
        let sections = token.split(separator: ".")
        let body = Base64URL.decode(Array(sections[2].utf8))!
        let message = String(decoding: body.dropLast(64), as: UTF8.self)
        let forged = message.replacingOccurrences(of: #""org":"org-1""#, with: #""org":"org-2""#)
        #expect(forged != message)
        let tampered = "v4.public.\(Base64URL.encode(Array(forged.utf8) + body.suffix(64))).\(sections[3])"
        #expect(await failure { try await verifier.verify(tampered) } == .badSignature)
        // The untouched token still verifies.
        #expect(try await verifier.verify(token).organization == "org-1")
    }

    @Test func aSignatureByAnotherKeyIsRejected() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        // Same key id, different private key.
        let impostor = makeSigner("key-1")
        let token = try impostor.sign(makeClaims(issuedAt: clock.now()))
        #expect(await failure { try await verifier.verify(token) } == .badSignature)
        #expect(verifier.cachedTokenCount == 0)
    }

    @Test func expiryIsCheckedWithClockSkew() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        let claims = makeClaims(issuedAt: clock.now(), lifetime: 900)
        let token = try signer.sign(claims)
        clock.advance(seconds: 900 + 29)
        #expect(try await verifier.verify(token).subject == "acct-1")
        clock.advance(seconds: 2)
        // Cached, but expired beyond the skew: refused and evicted.
        #expect(await failure { try await verifier.verify(token) } == .expired)
        #expect(verifier.cachedTokenCount == 0)
        // Not cached: refused by the claims check.
        let other = try signer.sign(makeClaims(issuedAt: claims.issuedAt, subject: "acct-2", lifetime: 900))
        #expect(await failure { try await verifier.verify(other) } == .expired)
    }

    @Test func tokensFromTheFutureAreRejectedBeyondSkew() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        let early = try signer.sign(makeClaims(issuedAt: clock.now().addingTimeInterval(29), subject: "a"))
        #expect(try await verifier.verify(early).subject == "a")
        let future = try signer.sign(makeClaims(issuedAt: clock.now().addingTimeInterval(31), subject: "b"))
        #expect(await failure { try await verifier.verify(future) } == .notYetValid)
    }

    @Test func otherOrganisationsAreRejectedWhenOneIsExpected() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server, expectedOrganization: "org-1")
        let ours = try signer.sign(makeClaims(issuedAt: clock.now(), organization: "org-1"))
        let theirs = try signer.sign(makeClaims(issuedAt: clock.now(), organization: "org-2"))
        #expect(try await verifier.verify(ours).organization == "org-1")
        #expect(await failure { try await verifier.verify(theirs) } == .wrongOrganization)
        // Without an expected organisation, any is accepted.
        #expect(try await makeVerifier(server).verify(theirs).organization == "org-2")
    }

    @Test func otherIssuersAndAudiencesAreRejected() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        var claims = makeClaims(issuedAt: clock.now())
        claims.audience = "someone-else"
        #expect(await failure { try await verifier.verify(try signer.sign(claims)) } == .wrongAudience)
        claims = makeClaims(issuedAt: clock.now())
        claims.issuer = "evil-identity"
        #expect(await failure { try await verifier.verify(try signer.sign(claims)) } == .wrongAudience)
    }

    @Test func confusedHeadersAndJunkAreMalformedAndFetchNothing() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        let token = try signer.sign(makeClaims(issuedAt: clock.now()))
        let payload = token.dropFirst("v4.public.".count)
        let body = payload.split(separator: ".")[0]
        let privateKey = Curve25519.Signing.PrivateKey()
        let junk: [String] = [
            "",
            "v4.local.\(payload)",
            "v3.public.\(payload)",
            "v2.public.\(payload)",
            "V4.PUBLIC.\(payload)",
            " \(token)",
            "v4.public.",
            "v4.public..",
            "v4.public.\(body)",  // no footer, so no key id
            "\(token).",
            "\(token).extra",
            "v4.public.\(body)=.\(payload.split(separator: ".")[1])",
            "v4.public.+\(payload.dropFirst())",  // the standard alphabet's "+"
            "v4.public.AAAA.\(payload.split(separator: ".")[1])",  // too short for a signature
            // JWTs, one with `alg: none` and no signature.
            "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhY2N0LTEiLCJvcmciOiJvcmctMSJ9.c2lnbmF0dXJl",
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhY2N0LTEiLCJvcmciOiJvcmctMSJ9.",
            "none.\(payload)",
            // Footers that are not {"kid": …}.
            try PASETOV4Public.sign(message: Data("{}".utf8), footer: Data("key-1".utf8), key: privateKey),
            try PASETOV4Public.sign(
                message: Data("{}".utf8), footer: Data(#"{"id":"key-1"}"#.utf8), key: privateKey),
        ]
        for candidate in junk {
            #expect(await failure { try await verifier.verify(candidate) } == .malformed, "\(candidate)")
        }
        #expect(server.fetches == 0)
        #expect(verifier.signatureCheckCount == 0)
    }

    @Test func claimsThatAreNotOursAreMalformedEvenWhenSigned() async throws {
        let privateKey = Curve25519.Signing.PrivateKey()
        let signer = AccessTokenSigner(keyID: "key-1", privateKey: privateKey)
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        let footer = Data(#"{"kid":"key-1"}"#.utf8)
        for message in [#"{"sub":"acct-1"}"#, "not json", #"{"data":"this is a signed message"}"#] {
            let token = try PASETOV4Public.sign(message: Data(message.utf8), footer: footer, key: privateKey)
            #expect(await failure { try await verifier.verify(token) } == .malformed)
        }
    }

    @Test func oversizedTokensAreRefusedBeforeParsing() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        let huge = "v4.public." + String(repeating: "A", count: 9 * 1024)
        #expect(await failure { try await verifier.verify(huge) } == .malformed)
        // Even a well-formed, validly signed token is refused when over 8 KiB.
        var claims = makeClaims(issuedAt: clock.now())
        claims.sessionID = String(repeating: "s", count: 9 * 1024)
        let big = try signer.sign(claims)
        #expect(big.utf8.count > AccessTokenVerifier.maximumTokenLength)
        #expect(await failure { try await verifier.verify(big) } == .malformed)
        #expect(server.fetches == 0)
    }

    @Test func anUnknownKeyIDRefetchesAtMostOncePerInterval() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server, refetchInterval: .seconds(5))
        #expect(
            try await verifier.verify(try signer.sign(makeClaims(issuedAt: clock.now()))).subject == "acct-1")
        #expect(server.fetches == 1)

        // Within the interval of the first fetch: no fetch, the key is unknown.
        let stranger = makeSigner("key-2")
        let strangerToken = try stranger.sign(makeClaims(issuedAt: clock.now()))
        #expect(await failure { try await verifier.verify(strangerToken) } == .unknownKey)
        #expect(server.fetches == 1)

        // Identity publishes key-2; after the interval, a token naming it causes one fetch.
        server.publish([key(signer), key(stranger)])
        clock.advance(seconds: 6)
        #expect(try await verifier.verify(strangerToken).subject == "acct-1")
        #expect(server.fetches == 2)

        // Random key ids in a burst cause at most one more fetch.
        clock.advance(seconds: 6)
        for index in 0..<50 {
            let token = try makeSigner("random-\(index)").sign(makeClaims(issuedAt: clock.now()))
            #expect(await failure { try await verifier.verify(token) } == .unknownKey)
        }
        #expect(server.fetches == 3)
        clock.advance(seconds: 1)
        let late = try makeSigner("random-late").sign(makeClaims(issuedAt: clock.now()))
        #expect(await failure { try await verifier.verify(late) } == .unknownKey)
        #expect(server.fetches == 3)
        #expect(verifier.signatureCheckCount == 2)
    }

    @Test func rotatedKeysKeepVerifyingWhilePublished() async throws {
        let old = makeSigner("key-old")
        let server = KeyServer([key(old)])
        let verifier = makeVerifier(server, refetchInterval: .zero)
        let oldToken = try old.sign(makeClaims(issuedAt: clock.now(), subject: "a"))
        #expect(try await verifier.verify(oldToken).subject == "a")

        // Identity rotates: the new key signs, the old one stays published until its tokens expire.
        let new = makeSigner("key-new")
        server.publish([key(new), key(old)])
        let newToken = try new.sign(makeClaims(issuedAt: clock.now(), subject: "b"))
        #expect(try await verifier.verify(newToken).subject == "b")
        let anotherOldToken = try old.sign(makeClaims(issuedAt: clock.now(), subject: "c"))
        #expect(try await verifier.verify(anotherOldToken).subject == "c")
        #expect(server.fetches == 2)

        // The old key is withdrawn: the next fetch drops it and the tokens it verified.
        server.publish([key(new)])
        let newest = makeSigner("key-newest")
        _ = await failure { try await verifier.verify(try newest.sign(makeClaims(issuedAt: clock.now()))) }
        #expect(server.fetches == 3)
        #expect(await failure { try await verifier.verify(oldToken) } == .unknownKey)
        #expect(try await verifier.verify(newToken).subject == "b")
    }

    @Test func keysPastTheirNotAfterAreNotUsed() async throws {
        let retired = makeSigner("key-retired")
        let server = KeyServer([key(retired, notAfter: -1)])
        let verifier = makeVerifier(server)
        let token = try retired.sign(makeClaims(issuedAt: clock.now()))
        #expect(await failure { try await verifier.verify(token) } == .unknownKey)
        #expect(verifier.signatureCheckCount == 0)

        // A cached token stops verifying when its key retires, even before it expires.
        let current = makeSigner("key-current")
        server.publish([key(current, notAfter: 60)])
        let verifier2 = makeVerifier(server)
        let currentToken = try current.sign(makeClaims(issuedAt: clock.now(), lifetime: 900))
        #expect(try await verifier2.verify(currentToken).subject == "acct-1")
        clock.advance(seconds: 61)
        #expect(await failure { try await verifier2.verify(currentToken) } == .unknownKey)
    }

    @Test func concurrentMissesShareOneFetch() async throws {
        let server = KeyServer([key(signer)], delay: .milliseconds(200))
        // Interval zero, so only sharing the fetch in flight can keep it to one.
        let verifier = makeVerifier(server, refetchInterval: .zero)
        let tokens = try (0..<20).map {
            try signer.sign(makeClaims(issuedAt: clock.now(), subject: "acct-\($0)"))
        }
        let subjects = try await withThrowingTaskGroup(of: String.self) { group in
            for token in tokens {
                group.addTask { try await verifier.verify(token).subject }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(subjects.count == 20)
        #expect(server.fetches == 1)
    }

    @Test func aVerifiedTokenIsCachedUntilItExpires() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server)
        let token = try signer.sign(makeClaims(issuedAt: clock.now()))
        _ = try await verifier.verify(token)
        _ = try await verifier.verify(token)
        _ = try await verifier.verifyClaims(token)
        #expect(verifier.signatureCheckCount == 1)
        #expect(verifier.cachedTokenCount == 1)
        let other = try signer.sign(makeClaims(issuedAt: clock.now(), subject: "acct-2"))
        _ = try await verifier.verify(other)
        #expect(verifier.signatureCheckCount == 2)

        // reset() forgets keys and tokens.
        verifier.reset()
        #expect(verifier.cachedTokenCount == 0)
        _ = try await verifier.verify(token)
        #expect(verifier.signatureCheckCount == 3)
        #expect(server.fetches == 2)
    }

    @Test func theTokenCacheIsBounded() async throws {
        let server = KeyServer([key(signer)])
        let verifier = makeVerifier(server, cacheCapacity: 8)
        let hot = try signer.sign(makeClaims(issuedAt: clock.now(), subject: "hot"))
        for index in 0..<40 {
            _ = try await verifier.verify(hot)
            _ = try await verifier.verify(
                try signer.sign(makeClaims(issuedAt: clock.now(), subject: "s\(index)")))
            #expect(verifier.cachedTokenCount <= 8)
        }
        // The token used all along was never evicted.
        #expect(verifier.signatureCheckCount == 41)
        let disabled = makeVerifier(server, cacheCapacity: 0)
        _ = try await disabled.verify(hot)
        _ = try await disabled.verify(hot)
        #expect(disabled.signatureCheckCount == 2)
    }

    @Test func unreachableIdentityIsUnavailableNotUnauthenticated() async throws {
        let server = KeyServer([key(signer)])
        server.fail(with: IdentityDown())
        let verifier = makeVerifier(server)
        let token = try signer.sign(makeClaims(issuedAt: clock.now()))
        let error = await #expect(throws: TokenError.self) { try await verifier.verify(token) }
        #expect(error?.code == .keysUnavailable)
        #expect(error?.cause is IdentityDown)
        #expect(error?.rpcError.code == .unavailable)
        // Within the interval it does not ask again.
        #expect(await failure { try await verifier.verify(token) } == .keysUnavailable)
        #expect(server.fetches == 1)
        // Identity is back.
        server.fail(with: nil)
        clock.advance(seconds: 6)
        #expect(try await verifier.verify(token).subject == "acct-1")
        #expect(server.fetches == 2)
    }

    @Test func wireErrorsAreGenericAndNeverEchoTheToken() async throws {
        let token = try signer.sign(makeClaims(issuedAt: clock.now()))
        for code in [
            TokenError.Code.malformed, .badSignature, .unknownKey, .expired, .notYetValid, .wrongOrganization,
            .wrongAudience,
        ] {
            let error = TokenError(code: code, message: "detail", cause: IdentityDown()).rpcError
            #expect(error.code == .unauthenticated)
            #expect(error.message.hasPrefix("invalid access token: "))
            #expect(!error.message.contains("detail"))
        }
        let verifier = makeVerifier(KeyServer([]))
        do {
            _ = try await verifier.verify(token)
            Issue.record("verified without keys")
        } catch let error as TokenError {
            #expect(!error.description.contains(token))
            #expect(!error.rpcError.message.contains(token))
        }
    }

    @Test func theInterceptorPassesTheWireFormOn() async throws {
        let server = KeyServer([key(signer)])
        let interceptor = AuthenticationInterceptor(verifier: makeVerifier(server))
        func call(_ token: String) async throws -> String {
            let context = ServerContext(
                method: Tillit_Testing_V1_Echo.Method.echo,
                metadata: Metadata([("authorization", "Bearer \(token)")]), requestID: "r", deadline: nil,
                peer: "test", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let reply = try await interceptor.intercept(Data(), context: context) { _, context in
                Data(try context.requirePrincipal().subject.utf8)
            }
            return String(decoding: reply, as: UTF8.self)
        }
        #expect(try await call(try signer.sign(makeClaims(issuedAt: clock.now()))) == "acct-1")

        let expired = try signer.sign(makeClaims(issuedAt: clock.now().addingTimeInterval(-3600)))
        let error = await #expect(throws: RPCError.self) { try await call(expired) }
        #expect(error?.code == .unauthenticated)
        #expect(error?.message == "invalid access token: expired")

        let downServer = KeyServer([])
        downServer.fail(with: IdentityDown())
        let downInterceptor = AuthenticationInterceptor(verifier: makeVerifier(downServer))
        let context = ServerContext(
            method: Tillit_Testing_V1_Echo.Method.echo,
            metadata: Metadata([("authorization", "Bearer \(expired)")]), requestID: "r", deadline: nil,
            peer: "test", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let unavailable = await #expect(throws: RPCError.self) {
            try await downInterceptor.intercept(Data(), context: context) { data, _ in data }
        }
        #expect(unavailable?.code == .unavailable)
    }

    @Test func identityKeysAreFilteredByAlgorithmAndLength() {
        var response = Tillit_Identity_V1_GetSigningKeysResponse()
        func signingKey(
            _ id: String, _ algorithm: Tillit_Identity_V1_SigningAlgorithm, bytes: Int, notAfter: Int64?
        )
            -> Tillit_Identity_V1_SigningKey
        {
            var key = Tillit_Identity_V1_SigningKey()
            key.keyID = id
            key.algorithm = algorithm
            key.publicKey =
                bytes == 32
                ? signer.verificationKey(notAfter: .now).publicKey.rawRepresentation
                : Data(repeating: 1, count: bytes)
            if let notAfter {
                var timestamp = Tillit_Common_V1_Timestamp()
                timestamp.seconds = notAfter
                timestamp.nanos = 500_000_000
                key.notAfter = timestamp
            }
            return key
        }
        response.keys = [
            signingKey("good", .ed25519, bytes: 32, notAfter: 1_800_000_000),
            signingKey("forever", .ed25519, bytes: 32, notAfter: nil),
            signingKey("short", .ed25519, bytes: 31, notAfter: 1_800_000_000),
            signingKey("long", .ed25519, bytes: 64, notAfter: 1_800_000_000),
            signingKey("unspecified", .unspecified, bytes: 32, notAfter: 1_800_000_000),
            signingKey("future-algorithm", .UNRECOGNIZED(7), bytes: 32, notAfter: 1_800_000_000),
        ]
        let keys = IdentitySigningKeySource.verificationKeys(from: response)
        #expect(keys.map(\.keyID) == ["good", "forever"])
        #expect(keys[0].notAfter == Date(timeIntervalSince1970: 1_800_000_000.5))
        #expect(
            keys[0].publicKey.rawRepresentation
                == signer.verificationKey(notAfter: .now).publicKey.rawRepresentation)
        #expect(keys[1].notAfter == .distantFuture)
    }
}
