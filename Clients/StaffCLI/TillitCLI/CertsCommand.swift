import ArgumentParser
import Foundation
import TillitServiceKit

/// `tillit certs`: development certificates.
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Development TLS certificates.",
        subcommands: [CertsInitCommand.self])
}

/// `tillit certs init`: makes the development CA and a certificate per service (what
/// `tillit stack up` makes on first start), keeping the files that exist.
struct CertsInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a development CA and a certificate per service (existing files are kept).",
        discussion: """
            Writes ca.pem, ca-key.pem and, for each service, <service>.pem and <service>-key.pem \
            (subject alternative names: the service name, localhost, 127.0.0.1, ::1; keys P-256, \
            mode 0600). Services find them as <data dir>/tls/ by default, or through TILLIT_TLS_CERT, \
            TILLIT_TLS_KEY and TILLIT_TLS_CA. Delete a file to have it made anew (a new ca.pem needs \
            new service certificates too).

            Examples:
              tillit certs init --dir ./.tillit-data/tls
              tillit certs init --dir /run/tillit/tls --name identity --name notes
            """)

    @Option(help: "The folder to write to (default: ./.tillit-data/tls).")
    var dir = TLSSettings.developmentFolder(dataDirectory: "./.tillit-data")

    @Option(
        name: .customLong("name"), help: "A service to make a certificate for (repeatable; default: all).")
    var names: [String] = []

    @Flag(help: "Print the files as JSON.")
    var json = false

    func validate() throws {
        for name in names where ServiceName(rawValue: name) == nil {
            throw ValidationError("unknown service '\(name)'; use identity, booking, notes or supervision")
        }
    }

    func run() async throws {
        let services = names.isEmpty ? ServiceName.allCases.map(\.rawValue) : names
        let files: DevelopmentPKI.Files
        do {
            files = try DevelopmentPKI.ensure(in: dir, names: services)
        } catch let failure as KeyFile.Failure {
            throw CLIError(.internalError, "cannot make the certificates: \(failure)")
        }
        if json {
            var object: [String: String] = ["ca": files.caCertificate]
            for name in services {
                object[name] = files.certificate(for: name)
                object["\(name)-key"] = files.key(for: name)
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Terminal.say(String(decoding: data, as: UTF8.self))
        } else {
            Terminal.say(
                "CA \(files.caCertificate); certificates for \(services.joined(separator: ", ")) in \(dir)")
        }
    }
}
