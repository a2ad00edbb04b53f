import Foundation
import Testing
import TillitCClient
import TillitRPC
import TillitTesting

/// The C client speaking TLS 1.3 through OpenSSL to the Swift server (NIOSSL, BoringSSL): both
/// TLS libraries in one test binary.
@Suite(.timeLimit(.minutes(2))) struct CClientTLSTests {
    let pki = TestPKI.main

    func withTLSServer<T>(_ body: (UInt16) async throws -> T) async throws -> T {
        try await withInteropServer(transportSecurity: try pki.server("identity"), body)
    }

    @Test func anEchoCallOverTLSWorks() async throws {
        try await withTLSServer { port in
            let ca = pki.files.caCertificate
            let outcome = try await onOwnThread {
                try CClient(tlsPort: port, caFile: ca, serverName: "identity").echo(text: "über TLS")
            }
            #expect(outcome.result == 0, "\(outcome.message)")
            #expect(outcome.text == "über TLS")
        }
    }

    @Test func theAddressIsCheckedWhenNoNameIsGivenAndAClientCertificateIsAccepted() async throws {
        try await withTLSServer { port in
            let files = pki.files
            let outcome = try await onOwnThread {
                try CClient(
                    tlsPort: port, caFile: files.caCertificate, serverName: nil,
                    certFile: files.certificate(for: "booking"), keyFile: files.key(for: "booking")
                ).echo(text: "mutual")
            }
            #expect(outcome.result == 0, "\(outcome.message)")
            #expect(outcome.text == "mutual")
        }
    }

    @Test func anotherCAOrAnotherNameIsRefusedAtTheHandshake() async throws {
        try await withTLSServer { port in
            let foreignCA = TestPKI.foreign.files.caCertificate
            let ca = pki.files.caCertificate
            let (stranger, misnamed) = try await onOwnThread { () -> (String, String) in
                func failure(_ make: () throws -> CClient) -> String {
                    do {
                        _ = try make()
                        return "connected"
                    } catch {
                        return "\(error)"
                    }
                }
                return (
                    failure { try CClient(tlsPort: port, caFile: foreignCA, serverName: "identity") },
                    failure { try CClient(tlsPort: port, caFile: ca, serverName: "notes") }
                )
            }
            #expect(stranger.contains("certificate verification failed"), "\(stranger)")
            #expect(misnamed.contains("certificate verification failed"), "\(misnamed)")
            // The server still serves.
            let outcome = try await onOwnThread {
                try CClient(tlsPort: port, caFile: ca, serverName: "identity").echo(text: "still here")
            }
            #expect(outcome.text == "still here")
        }
    }

    @Test func aPlaintextCClientOfATLSServerFailsCleanly() async throws {
        try await withTLSServer { port in
            let outcome = try await onOwnThread {
                try CClient(port: port).echo(text: "in the clear", timeoutMillis: 10_000)
            }
            #expect(outcome.result < 0, "\(outcome.result)")
            #expect(outcome.result != cValue(TILLIT_ERR_TIMEOUT), "\(outcome.result)")
        }
    }
}
