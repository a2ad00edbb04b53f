import Foundation
import Testing
import TillitServiceKit
import TillitTesting

/// `docker-compose.yml` names only what exists: its services are the four services (plus the
/// one-shot `certs` and the `integration` runner), each listens on its default port and is
/// told its peers by compose name, every `TILLIT_…` variable it sets is one the code reads, and
/// every program it runs is an executable product of the package. (CI also runs
/// `docker-compose config -q`; no container engine runs here.)
@Suite(.timeLimit(.minutes(1))) struct ComposeFileTests {
    static let root = SourceTree.root

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func matches(_ pattern: String, in text: String, group: Int = 1) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: group), in: text).map { String(text[$0]) }
        }
    }

    /// Every Swift source of the package, as one text.
    static func swiftSources() throws -> String {
        var text = ""
        for folder in ["Shared", "Services", "Clients", "Tests", "Tools"] {
            let enumerator = FileManager.default.enumerator(
                at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                // Build folders hold copies of other packages.
                if url.lastPathComponent.hasPrefix(".build") {
                    enumerator?.skipDescendants()
                    continue
                }
                if url.pathExtension == "swift" { text += try String(contentsOf: url, encoding: .utf8) }
            }
        }
        return text
    }

    @Test func servicesPortsVariablesAndExecutablesExistInTheCode() throws {
        let compose = try Self.read("docker-compose.yml")
        let servicesBlock =
            try #require(compose.components(separatedBy: "\nservices:\n").last)
            .components(separatedBy: "\nvolumes:\n").first ?? ""
        let services = Set(try Self.matches(#"^  ([a-z][a-z-]*):$"#, in: servicesBlock))
        #expect(
            services == Set(ServiceName.allCases.map(\.rawValue) + ["certs", "integration"]), "\(services)")

        for service in ServiceName.allCases {
            #expect(
                compose.contains("\(service.addressVariable): 0.0.0.0:\(service.defaultPort)"),
                "\(service) listens on its default port \(service.defaultPort)")
            #expect(
                compose.contains("\(service.addressVariable): \(service.rawValue):\(service.defaultPort)"),
                "\(service)'s callers reach it by its compose name")
            #expect(
                compose.contains("\(service.metricsAddressVariable): 0.0.0.0:\(service.defaultMetricsPort)")
                    && compose.contains("\(service.defaultMetricsPort)}:\(service.defaultMetricsPort)\""),
                "\(service) serves metrics on \(service.defaultMetricsPort), published")
        }

        let sources = try Self.swiftSources()
        let set = Set(try Self.matches(#"^\s+(TILLIT_[A-Z0-9_]+):"#, in: compose))
        #expect(!set.isEmpty)
        let known = Set(ServiceName.allCases.flatMap { [$0.addressVariable, $0.metricsAddressVariable] })
        for variable in set where !known.contains(variable) {
            #expect(sources.contains("\"\(variable)\""), "\(variable) is read by the code")
        }

        let package = try Self.read("Package.swift")
        let products = Set(try Self.matches(#"\.executable\(name: "([a-z-]+)""#, in: package))
        let commands = try Self.matches(#"(?:command: \[|"CMD", )"([a-z-]+)""#, in: compose)
        #expect(Set(commands).count >= 6, "\(commands)")
        for command in Set(commands) {
            #expect(products.contains(command), "\(command) is an executable product")
        }
        let dockerfile = try Self.read("Dockerfile")
        for product in [
            "tillit", "tillit-identity", "tillit-booking", "tillit-notes", "tillit-supervision",
            "tillit-integration",
        ] {
            #expect(
                products.contains(product) && dockerfile.contains(product),
                "\(product) is built into the image")
        }
    }
}
