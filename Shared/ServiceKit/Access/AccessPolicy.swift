import TillitContracts
import TillitRPC

/// One service's access table: every method's `AccessRule`, declared once, enforced for every
/// call by `AuthenticationInterceptor`, and iterated by the service's authorisation-matrix
/// test. A method without a rule is refused (fail closed); the public methods must be exactly
/// those the proto marks `@public` (`check(methods:publicPaths:)` at start-up).
public struct AccessPolicy: Sendable {
    /// The rules by wire path.
    public let rules: [String: AccessRule]

    /// A table from method descriptors to rules.
    public init(_ rules: KeyValuePairs<MethodDescriptor, AccessRule>) {
        var table: [String: AccessRule] = [:]
        for (method, rule) in rules {
            precondition(table[method.path] == nil, "\(method.path) has two access rules")
            table[method.path] = rule
        }
        self.rules = table
    }

    private init(table: [String: AccessRule]) {
        self.rules = table
    }

    /// This table and `other`'s rules (e.g. Health's) together.
    public func merging(_ other: AccessPolicy) -> AccessPolicy {
        AccessPolicy(table: rules.merging(other.rules) { mine, _ in mine })
    }

    /// The rule of `path`, or nil (refused).
    public func rule(for path: String) -> AccessRule? {
        rules[path]
    }

    /// The wire paths callable without a token.
    public var publicPaths: Set<String> {
        Set(rules.filter(\.value.isPublic).keys)
    }

    /// Throws unless every method in `methods` has a rule, no rule names another method, and
    /// the public rules are exactly `publicPaths` (generated from the proto's `@public` marks).
    public func check(methods: [MethodDescriptor], publicPaths expected: Set<String>) throws {
        let paths = Set(methods.map(\.path))
        let missing = paths.subtracting(rules.keys).sorted()
        let unknown = Set(rules.keys).subtracting(paths).sorted()
        let publicHere = publicPaths.intersection(paths)
        guard missing.isEmpty, unknown.isEmpty, publicHere == expected else {
            var problems: [String] = []
            if !missing.isEmpty { problems.append("no rule for \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty {
                problems.append("rules for unknown methods \(unknown.joined(separator: ", "))")
            }
            if publicHere != expected {
                problems.append(
                    "public methods \(publicHere.sorted()) differ from the proto's @public \(expected.sorted())"
                )
            }
            throw ServiceError(.internalError, "access policy: " + problems.joined(separator: "; "))
        }
    }

    /// The gate refusal's message prefix, so tests tell it from a handler's own refusals.
    public static let refusalPrefix = "this method is not open to"

    /// PERMISSION_DENIED unless `principal` passes the rule of `path` (a scoped token outside its
    /// scope is told what to do instead).
    public func authorize(_ principal: Principal, path: String) throws {
        guard let rule = rules[path] else {
            throw ServiceError.denied("\(Self.refusalPrefix) anyone (no access rule)")
        }
        guard rule.admits(principal) else {
            if let scope = principal.scope, scope != rule.scope {
                throw ServiceError.denied("\(Self.refusalPrefix) this token: \(scope.refusal)")
            }
            throw ServiceError.denied("\(Self.refusalPrefix) \(principal.describedForRefusal)")
        }
    }
}

extension AccessPolicy {
    /// Health: open to anyone.
    public static let health = AccessPolicy(
        table: Dictionary(
            uniqueKeysWithValues: Tillit_Health_V1_Health.Method.all.map { ($0.path, AccessRule.anyone) }))
}

extension Principal {
    /// `clients`, `services`, `staff without one of the roles it needs`.
    fileprivate var describedForRefusal: String {
        switch kind {
        case .client: "clients"
        case .service: "service accounts"
        case .staff:
            roles.isEmpty
                ? "staff without roles"
                : "staff holding \(roles.sorted().map(\.rawValue).joined(separator: ", "))"
        }
    }
}
