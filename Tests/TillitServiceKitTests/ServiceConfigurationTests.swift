import Logging
import Testing
import TillitServiceKit

@Suite(.timeLimit(.minutes(2))) struct ServiceConfigurationTests {
    @Test func defaultsDescribeTheLocalStack() throws {
        let configuration = try ServiceConfiguration(service: .booking, environment: [:])
        #expect(configuration.listenAddress == ServiceAddress(host: "127.0.0.1", port: 7102))
        #expect(configuration.peers[.identity] == ServiceAddress(host: "127.0.0.1", port: 7101))
        #expect(configuration.peers[.supervision]?.port == 7104)
        #expect(configuration.dataDirectory == "./.tillit-data")
        #expect(configuration.databasePath == "./.tillit-data/booking.db")
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.shutdownGracePeriod == .seconds(10))
        #expect(configuration.maximumFrameSize == 4 * 1024 * 1024)
        #expect(configuration.revocationPollInterval == .seconds(1))
        #expect(configuration.serverConfiguration.port == 7102)
    }

    @Test func environmentOverridesDefaults() throws {
        let configuration = try ServiceConfiguration(
            service: .notes,
            environment: [
                "TILLIT_NOTES_ADDR": "0.0.0.0:9000",
                "TILLIT_IDENTITY_ADDR": "[::1]:9001",
                "TILLIT_DATA_DIR": "/var/lib/tillit",
                "TILLIT_LOG_LEVEL": "DEBUG",
                "TILLIT_LOG_FORMAT": "json",
                "TILLIT_SHUTDOWN_GRACE_SECONDS": "3",
                "TILLIT_MAX_FRAME_BYTES": "65536",
                "TILLIT_REVOCATION_POLL_MILLIS": "250",
            ])
        #expect(configuration.listenAddress == ServiceAddress(host: "0.0.0.0", port: 9000))
        #expect(configuration.peers[.identity] == ServiceAddress(host: "::1", port: 9001))
        #expect(configuration.peers[.identity]?.description == "[::1]:9001")
        #expect(configuration.databasePath == "/var/lib/tillit/notes.db")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .json)
        #expect(configuration.shutdownGracePeriod == .seconds(3))
        #expect(configuration.serverConfiguration.maximumFrameSize == 65536)
        #expect(configuration.revocationPollInterval == .milliseconds(250))
    }

    @Test(arguments: [
        ("TILLIT_BOOKING_ADDR", "localhost"),
        ("TILLIT_BOOKING_ADDR", "host:99999"),
        ("TILLIT_BOOKING_ADDR", ":80"),
        ("TILLIT_BOOKING_ADDR", "[::1:80"),
        ("TILLIT_IDENTITY_ADDR", "a b:1"),
        ("TILLIT_LOG_LEVEL", "loud"),
        ("TILLIT_LOG_FORMAT", "xml"),
        ("TILLIT_SHUTDOWN_GRACE_SECONDS", "-1"),
        ("TILLIT_SHUTDOWN_GRACE_SECONDS", "ten"),
        ("TILLIT_MAX_FRAME_BYTES", "10"),
        // Slower than 4 s would break the 5 s revocation rule.
        ("TILLIT_REVOCATION_POLL_MILLIS", "5000"),
        ("TILLIT_REVOCATION_POLL_MILLIS", "50"),
    ])
    func malformedValuesNameTheirVariable(variable: String, value: String) {
        do {
            _ = try ServiceConfiguration(service: .booking, environment: [variable: value])
            Issue.record("accepted \(variable)=\(value)")
        } catch let error as ConfigurationError {
            #expect(error.variable == variable)
            #expect(error.description.contains(value))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func addressParsing() {
        #expect(ServiceAddress(parsing: "127.0.0.1:7101") == ServiceAddress(host: "127.0.0.1", port: 7101))
        #expect(ServiceAddress(parsing: "identity:7101")?.host == "identity")
        #expect(ServiceAddress(parsing: "[fe80::1]:0")?.host == "fe80::1")
        #expect(ServiceAddress(parsing: "") == nil)
        #expect(ServiceAddress(parsing: "host:") == nil)
        #expect(ServiceAddress(parsing: "host:-1") == nil)
    }
}
