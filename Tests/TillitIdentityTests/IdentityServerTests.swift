import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The Identity process as assembled by `IdentityServer`, on an ephemeral port.
@Suite(.timeLimit(.minutes(5)))
struct IdentityServerTests {
    @Test func createsTheDataDirectoryServesHealthAndClosesTheDatabase() async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("tillit-identity-server-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let dataDirectory = root.appendingPathComponent("nested/data").path
        var configuration = try ServiceConfiguration(
            service: .identity,
            environment: ["TILLIT_IDENTITY_ADDR": "127.0.0.1:0", "TILLIT_DATA_DIR": dataDirectory])
        configuration.shutdownGracePeriod = .seconds(5)

        let host = try IdentityServer.makeHost(configuration: configuration, logger: TestDatabase.logger)
        #expect(FileManager.default.fileExists(atPath: configuration.databasePath))
        let permissions =
            try FileManager.default.attributesOfItem(atPath: dataDirectory)[.posixPermissions] as? Int
        #expect(permissions == 0o700)

        let group = host.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await host.server.localPort
            // No TLS files named: Identity made the development PKI in <data dir>/tls on start.
            let pki = DevelopmentPKI.Files(
                folder: TLSSettings.developmentFolder(dataDirectory: dataDirectory))
            let keyMode =
                try FileManager.default.attributesOfItem(atPath: pki.key(for: "identity"))[.posixPermissions]
                as? Int
            #expect(keyMode == 0o600)
            let roots = try TLSSettings.loadTrustRoots(pki.caCertificate)
            let rpc = RPCClient(
                host: "127.0.0.1", port: port,
                configuration: RPCClientConfiguration(
                    connectTimeout: RPCClientConfiguration.testConnectTimeout,
                    transportSecurity: try .client(trustRootsPEM: roots, serverName: "identity")))
            defer { rpc.close() }
            let health = Tillit_Health_V1_Health.Client(rpc)
            #expect(try await health.check(Tillit_Health_V1_HealthCheckRequest()).status == .serving)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }

        // Closed cleanly: it opens again, fully migrated.
        let reopened = try IdentityDatabase.open(
            path: configuration.databasePath, auditKeys: try AuditKeys.load(configuration),
            logger: TestDatabase.logger)
        try reopened.close()
    }
}
