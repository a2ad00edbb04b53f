import TillitContracts
import TillitRPC
import TillitServiceKit

/// The methods `tillit call` can reach on each service, from the generated registry
/// (`TillitServiceRegistry`): the service's own proto service(s) and Health, which every
/// service serves.
struct MethodCatalog {
    /// The methods `service` serves, its own first.
    static func methods(of service: ServiceName) -> [MethodSignature] {
        let own = "tillit.\(service.rawValue).v1"
        let services = TillitServiceRegistry.services
        return services.filter { $0.package == own }.flatMap(\.methods)
            + services.filter { $0.package == "tillit.health.v1" }.flatMap(\.methods)
    }

    /// The method of `service` named by `name`: `SearchSlots`, `Booking/SearchSlots`,
    /// `tillit.booking.v1.Booking/SearchSlots` or its wire path; a bare name matches
    /// case-insensitively when no exact match exists. Throws a usage error naming close matches.
    static func find(_ name: String, on service: ServiceName) throws -> MethodSignature {
        let candidates = methods(of: service)
        var wanted = name
        if wanted.hasPrefix("/") { wanted.removeFirst() }
        let matches: [MethodSignature]
        if let slash = wanted.lastIndex(of: "/") {
            let servicePart = wanted[..<slash]
            let methodPart = wanted[wanted.index(after: slash)...]
            matches = candidates.filter { signature in
                signature.descriptor.method == methodPart
                    && (signature.descriptor.service == servicePart
                        || signature.descriptor.service.split(separator: ".").last == servicePart[...])
            }
        } else {
            let exact = candidates.filter { $0.descriptor.method == wanted }
            matches =
                exact.isEmpty
                ? candidates.filter { $0.descriptor.method.lowercased() == wanted.lowercased() } : exact
        }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw CLIError(
                .usage,
                "'\(name)' is ambiguous on \(service.rawValue): \(matches.map(\.descriptor.path).joined(separator: ", "))"
            )
        }
        let similar = candidates.filter {
            $0.descriptor.method.lowercased().contains(wanted.split(separator: "/").last?.lowercased() ?? "")
        }
        let hint =
            similar.isEmpty || wanted.isEmpty
            ? "`tillit call --list \(service.rawValue)` lists them"
            : "did you mean \(similar.prefix(5).map(\.descriptor.method).joined(separator: ", "))?"
        throw CLIError(.usage, "\(service.rawValue) has no method '\(name)'; \(hint)")
    }

    /// `tillit.booking.v1.Booking/SearchSlots(tillit.booking.v1.SearchSlotsRequest) returns (…)`.
    static func describe(_ signature: MethodSignature) -> String {
        "\(signature.descriptor.service)/\(signature.descriptor.method)"
            + "(\(signature.requestType.protoMessageName)) returns (\(signature.responseType.protoMessageName))"
    }
}
