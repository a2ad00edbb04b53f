import Foundation
import Testing
import TillitContracts
import TillitTesting

@testable import TillitRPC

/// TLS 1.3 on real loopback sockets: who is accepted, who is refused, and that a refused peer
/// leaves the server serving.
@Suite(.timeLimit(.minutes(2))) struct TransportSecurityTests {
    /// Answers the DNS names of the caller's verified client certificate, comma-separated.
    struct PeerNamesService: RPCService {
        static let names = MethodDescriptor(service: "tillit.testing.v1.Raw", method: "PeerNames")

        var methods: [RPCMethod] {
            [
                RPCMethod(Self.names) { _, context in
                    Data(context.peerCertificateNames.joined(separator: ",").utf8)
                }
            ]
        }
    }

    /// Runs `body` with a TLS server presenting `TestPKI.main`'s `identity` certificate.
    func withTLSServer<T>(
        clientCertificates: TransportSecurity.ClientCertificates = .optional,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let security = try TestPKI.main.server("identity", clientCertificates: clientCertificates)
        return try await withRPCServer(
            configuration: RPCServerConfiguration(transportSecurity: security),
            services: [EchoService(), PeerNamesService()], logger: quietLogger
        ) { server in
            try await body(try await server.localPort)
        }
    }

    func echo(_ client: RPCClient, _ text: String) async throws -> String {
        try await client.unary(
            EchoService.echo, request: echoRequest(text), response: Tillit_Testing_V1_EchoResponse.self,
            options: CallOptions(timeout: .seconds(20))
        ).text
    }

    func makeClient(_ port: Int, _ security: TransportSecurity) -> RPCClient {
        RPCClient(
            host: "127.0.0.1", port: port,
            configuration: RPCClientConfiguration(connectionsPerPeer: 1, transportSecurity: security))
    }

    @Test func aCallOverTLSWorks() async throws {
        try await withTLSServer { port in
            let client = makeClient(port, try TestPKI.main.client(serverName: "identity"))
            defer { client.close() }
            #expect(try await echo(client, "over tls") == "over tls")
            // Without a client certificate the caller has no certificate names.
            let names = try await client.call(PeerNamesService.names, payload: Data()).payload
            #expect(names.isEmpty)
        }
    }

    @Test func anIPAddressIsCheckedAgainstTheCertificateWhenNoNameIsExpected() async throws {
        try await withTLSServer { port in
            // No server name: the certificate must carry the address dialled (127.0.0.1).
            let client = makeClient(port, try TestPKI.main.client(serverName: nil))
            defer { client.close() }
            #expect(try await echo(client, "by address") == "by address")
        }
    }

    @Test func aClientCertificateIsVerifiedAndItsNamesReachTheHandler() async throws {
        try await withTLSServer { port in
            let client = makeClient(
                port, try TestPKI.main.client(serverName: "identity", presenting: "booking"))
            defer { client.close() }
            let names = try await client.call(PeerNamesService.names, payload: Data()).payload
            #expect(String(decoding: names, as: UTF8.self) == "booking,localhost")
        }
    }

    @Test func aClientTrustingAnotherCAIsRefused() async throws {
        try await withTLSServer { port in
            let stranger = makeClient(port, try TestPKI.foreign.client(serverName: "identity"))
            defer { stranger.close() }
            await expectRPCError(.unavailable) { try await echo(stranger, "must not arrive") }
            // The server goes on serving good clients.
            let good = makeClient(port, try TestPKI.main.client(serverName: "identity"))
            defer { good.close() }
            #expect(try await echo(good, "still serving") == "still serving")
        }
    }

    @Test func aServerNamedDifferentlyIsRefused() async throws {
        try await withTLSServer { port in
            // The certificate chains to the trusted CA but names identity, not notes.
            let client = makeClient(port, try TestPKI.main.client(serverName: "notes"))
            defer { client.close() }
            await expectRPCError(.unavailable) { try await echo(client, "must not arrive") }
        }
    }

    @Test func aClientCertificateFromAnotherCAIsRefused() async throws {
        try await withTLSServer { port in
            // Trusts the server, but presents a booking certificate issued by a foreign CA.
            let forged = try TransportSecurity.client(
                trustRootsPEM: TestPKI.main.caPEM, serverName: "identity",
                credentials: TestPKI.foreign.credentials("booking"))
            let client = makeClient(port, forged)
            defer { client.close() }
            await expectRPCError(.unavailable) {
                try await client.call(
                    PeerNamesService.names, payload: Data(), options: CallOptions(timeout: .seconds(20)))
            }
        }
    }

    @Test func aPlaintextClientFailsCleanlyAndTheServerKeepsServing() async throws {
        try await withTLSServer { port in
            let plaintext = makeClient(port, .plaintext)
            defer { plaintext.close() }
            do {
                _ = try await echo(plaintext, "in the clear")
                Issue.record("a plaintext call to a TLS server succeeded")
            } catch let error as RPCError {
                // Refused at once (the server answers a TLS alert and closes), not left to time out.
                #expect(error.code != .deadlineExceeded, "\(error)")
            }
            let good = makeClient(port, try TestPKI.main.client(serverName: "identity"))
            defer { good.close() }
            #expect(try await echo(good, "still serving") == "still serving")
        }
    }

    @Test func aTLSClientOfAPlaintextServerFails() async throws {
        try await withEchoServer { server, _ in
            let client = makeClient(
                try await server.localPort, try TestPKI.main.client(serverName: "identity"))
            defer { client.close() }
            await expectRPCError(.unavailable) { try await echo(client, "must not arrive") }
        }
    }

    @Test func aRequiredClientCertificateRefusesClientsWithout() async throws {
        try await withTLSServer(clientCertificates: .required) { port in
            let anonymous = makeClient(port, try TestPKI.main.client(serverName: "identity"))
            defer { anonymous.close() }
            do {
                _ = try await echo(anonymous, "anonymous")
                Issue.record("a client without a certificate was served")
            } catch let error as RPCError {
                #expect(error.code == .unavailable, "\(error)")
            }
            let service = makeClient(
                port, try TestPKI.main.client(serverName: "identity", presenting: "notes"))
            defer { service.close() }
            #expect(try await echo(service, "with certificate") == "with certificate")
        }
    }

    @Test func malformedMaterialIsRefusedWhenTheContextIsBuilt() throws {
        #expect(throws: TransportSecurityError.self) {
            try TransportSecurity.client(trustRootsPEM: Array("not a certificate".utf8))
        }
        #expect(throws: TransportSecurityError.self) {
            try TransportSecurity.server(
                credentials: .init(
                    certificateChainPEM: TestPKI.main.credentials("identity").certificateChainPEM,
                    privateKeyPEM: TestPKI.main.credentials("notes").privateKeyPEM))
        }
    }
}
