import Crypto
import Foundation
import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// Mutual TLS between services: a service trusts signing keys only from a server whose
/// certificate chains to the CA and names `identity`, and a caller claiming to be a service
/// (`x-calling-service`) must present that service's certificate.
@Suite(.timeLimit(.minutes(3))) struct ServiceIdentityTests {
    /// A stand-in Identity that publishes a key of its own choosing.
    struct FakeIdentity: RPCService {
        let publicKey: Curve25519.Signing.PublicKey

        var methods: [RPCMethod] {
            [
                RPCMethod.unary(Tillit_Identity_V1_Identity.Method.getSigningKeys) {
                    (_: Tillit_Identity_V1_GetSigningKeysRequest, _) in
                    var key = Tillit_Identity_V1_SigningKey()
                    key.keyID = "forged"
                    key.algorithm = .ed25519
                    key.publicKey = publicKey.rawRepresentation
                    var response = Tillit_Identity_V1_GetSigningKeysResponse()
                    response.keys = [key]
                    return response
                }
            ]
        }
    }

    /// An admin token the fake signs with its own key.
    func forgedAdminToken(_ key: Curve25519.Signing.PrivateKey) throws -> String {
        let now = Date()
        return try AccessTokenSigner(keyID: "forged", privateKey: key).sign(
            AccessTokenClaims(
                subject: "acct-mallory", organization: "org-victim", kind: .staff, roles: [.admin],
                tokenID: UUID().uuidString, issuedAt: now, expiresAt: now + 300))
    }

    /// Runs a fake Identity presenting `certificate` of `pki`, then asks for its keys the way a
    /// service (notes) does, and verifies the forged admin token with them. Returns whether the
    /// token was accepted.
    func notesAcceptsTheForgedToken(from pki: TestPKI, certificate: String) async throws -> Bool {
        let key = Curve25519.Signing.PrivateKey()
        let token = try forgedAdminToken(key)
        return try await withRPCServer(
            configuration: RPCServerConfiguration(
                transportSecurity: try pki.server(certificate, clientCertificates: .optional)),
            services: [FakeIdentity(publicKey: key.publicKey)], logger: quietLogger
        ) { server in
            try await withTemporaryDirectory { directory in
                let configuration = try testConfiguration(
                    .notes, dataDirectory: directory.path,
                    environment: ["TILLIT_IDENTITY_ADDR": "127.0.0.1:\(try await server.localPort)"]
                        .merging(TestPKI.main.environment(for: "notes")) { own, _ in own })
                let (source, rpc) = try IdentitySigningKeySource.connecting(configuration: configuration)
                defer { rpc.close() }
                let verifier = AccessTokenVerifier(source: source)
                do {
                    let principal = try await verifier.verify(token)
                    return principal.roles.contains(.admin)
                } catch {
                    return false
                }
            }
        }
    }

    @Test func theAttackWorksAgainstAServerTheCATrustsAsIdentity() async throws {
        // The control: keys from a server holding Identity's real certificate are trusted, so
        // the refusals below come from the certificate checks and nothing else.
        #expect(try await notesAcceptsTheForgedToken(from: .main, certificate: "identity"))
    }

    @Test func aFakeIdentityWithACertificateFromAnotherCAIsRefused() async throws {
        #expect(try await notesAcceptsTheForgedToken(from: .foreign, certificate: "identity") == false)
    }

    @Test func aServerWithAnotherServicesCertificateIsNotTrustedAsIdentity() async throws {
        // Booking's certificate chains to the same CA but does not name identity.
        #expect(try await notesAcceptsTheForgedToken(from: .main, certificate: "booking") == false)
    }

    @Test func theKeySourcePresentsItsOwnCertificateAndNamesItself() async throws {
        try await withIdentity { harness in
            let configuration = try testConfiguration(
                .notes, dataDirectory: harness.dataDirectory,
                environment: ["TILLIT_IDENTITY_ADDR": "127.0.0.1:\(harness.port)"]
                    .merging(TestPKI.main.environment(for: "notes")) { own, _ in own })
            let (source, rpc) = try IdentitySigningKeySource.connecting(configuration: configuration)
            defer { rpc.close() }
            // Identity accepts the `x-calling-service: notes` claim because the certificate says so.
            #expect(try await source.fetchSigningKeys().isEmpty == false)
        }
    }

    /// What a service runs to trust Identity: keys and ended sessions over mutual TLS, as
    /// itself; a session ended at Identity is refused once the poller has run.
    @Test func aServiceTrustsIdentitysKeysAndEndedSessionsOverMutualTLS() async throws {
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            let configuration = try testConfiguration(
                .notes, dataDirectory: harness.dataDirectory,
                environment: ["TILLIT_IDENTITY_ADDR": "127.0.0.1:\(harness.port)"]
                    .merging(TestPKI.main.environment(for: "notes")) { own, _ in own })
            let trust = try AccessTokenVerifier.trustingIdentity(
                configuration: configuration, logger: quietLogger, now: { harness.clock.now() })
            defer { trust.rpc.close() }
            let token = try await harness.signIn(
                organization: practice.organization, email: "client@example.com"
            ).login.tokens.accessToken
            #expect(try await trust.verifier.verify(token).subject == practice.id(.client))
            await trust.revocations.pollOnce()
            #expect(trust.revocations.problem == nil)
            _ = try await harness.identity.revokeSessions(
                .with { $0.accountID.value = practice.id(.client) }, options: practice.options(.admin))
            await trust.revocations.pollOnce()
            #expect(trust.revocations.problem == nil)
            await #expect(throws: (any Error).self, "the ended session's token") {
                try await trust.verifier.verify(token)
            }
        }
    }

    /// GetSigningKeys (public) from a client presenting `certificate` and claiming `claim`.
    func call(_ harness: IdentityHarness, presenting certificate: String?, claiming claim: String)
        async throws
    {
        let rpc = RPCClient(
            host: "127.0.0.1", port: harness.port,
            configuration: try .tls(to: .identity, presenting: certificate))
        defer { rpc.close() }
        var options = CallOptions()
        options.metadata.add(Caller.callingServiceKey, claim)
        _ = try await Tillit_Identity_V1_Identity.Client(rpc).getSigningKeys(.init(), options: options)
    }

    @Test func aServiceClaimWithoutThatServicesCertificateIsRefused() async throws {
        try await withIdentity { harness in
            await expectRPCError(.permissionDenied, "no certificate") {
                try await call(harness, presenting: nil, claiming: "booking")
            }
            await expectRPCError(.permissionDenied, "notes claiming booking") {
                try await call(harness, presenting: "notes", claiming: "booking")
            }
            await expectRPCError(.invalidArgument, "not a service") {
                try await call(harness, presenting: "notes", claiming: "mallory")
            }
            // The claim that matches the certificate passes.
            try await call(harness, presenting: "booking", claiming: "booking")
        }
    }
}
