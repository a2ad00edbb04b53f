import Testing
import TillitRPC
import TillitServiceKit

/// The RPC limits a service reads from its environment (docs/security.md, "RPC layer limits").
@Suite(.timeLimit(.minutes(1))) struct ServiceConfigurationLimitsTests {
    @Test func defaultsAreTheServersDefaults() throws {
        let configuration = try ServiceConfiguration(service: .identity, environment: [:])
        #expect(configuration.limits == RPCServerLimits())
        #expect(configuration.serverConfiguration.limits == RPCServerLimits())
        #expect(configuration.limits.maximumConnections == 4096)
        #expect(configuration.limits.maximumConnectionsPerSource == 256)
        #expect(configuration.limits.frameReadTimeout == .seconds(10))
        #expect(configuration.limits.maximumPartialFrameBytes == 64 * 1024 * 1024)
    }

    @Test func environmentSetsTheConnectionCapsAndTheFrameReadTimeout() throws {
        let configuration = try ServiceConfiguration(
            service: .identity,
            environment: [
                "TILLIT_MAX_CONNECTIONS": "100",
                "TILLIT_MAX_CONNECTIONS_PER_SOURCE": "5",
                "TILLIT_FRAME_READ_TIMEOUT_SECONDS": "30",
                "TILLIT_MAX_PARTIAL_FRAME_BYTES": "16777216",
            ])
        let limits = configuration.serverConfiguration.limits
        #expect(limits.maximumConnections == 100)
        #expect(limits.maximumConnectionsPerSource == 5)
        #expect(limits.frameReadTimeout == .seconds(30))
        #expect(limits.maximumPartialFrameBytes == 16 * 1024 * 1024)
        #expect(limits.maximumMetadataEntries == RPCServerLimits().maximumMetadataEntries)
    }

    @Test(arguments: [
        ("TILLIT_MAX_CONNECTIONS", "0"),
        ("TILLIT_MAX_CONNECTIONS", "many"),
        ("TILLIT_MAX_CONNECTIONS_PER_SOURCE", "-3"),
        ("TILLIT_FRAME_READ_TIMEOUT_SECONDS", "0"),
        ("TILLIT_FRAME_READ_TIMEOUT_SECONDS", "1.5"),
        ("TILLIT_MAX_PARTIAL_FRAME_BYTES", "64MiB"),
        // Less than one frame of the default largest size (4 MiB).
        ("TILLIT_MAX_PARTIAL_FRAME_BYTES", "1048576"),
    ])
    func malformedValuesNameTheirVariable(variable: String, value: String) {
        do {
            _ = try ServiceConfiguration(service: .identity, environment: [variable: value])
            Issue.record("accepted \(variable)=\(value)")
        } catch let error as ConfigurationError {
            #expect(error.variable == variable)
            #expect(error.description.contains(value))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func partialFrameBudgetMayNotBeLessThanTheFrameLimit() throws {
        let environment = ["TILLIT_MAX_FRAME_BYTES": "1024", "TILLIT_MAX_PARTIAL_FRAME_BYTES": "1024"]
        let configuration = try ServiceConfiguration(service: .identity, environment: environment)
        #expect(configuration.serverConfiguration.limits.maximumPartialFrameBytes == 1024)
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(
                service: .identity,
                environment: ["TILLIT_MAX_FRAME_BYTES": "2048", "TILLIT_MAX_PARTIAL_FRAME_BYTES": "2047"])
        }
    }
}
