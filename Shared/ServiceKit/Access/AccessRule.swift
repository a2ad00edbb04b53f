/// Who may call one method at all: the first gate, checked for every call before the handler
/// runs. Finer rules (a client only for their own record, a practitioner only with a care
/// relationship) stay in the handler, which decides them from stored facts.
public struct AccessRule: Sendable, Hashable, CustomStringConvertible {
    /// Callable without an access token (the rpc is marked `@public` in the proto).
    public var isPublic: Bool
    /// The account kinds that may call; staff only when `staffRoles` admits them.
    public var kinds: Set<AccountKind>
    /// Staff must hold one of these roles; nil admits every member of staff.
    public var staffRoles: Set<Role>?
    /// The token scope that may call this method besides full tokens (e.g. TOTP enrolment).
    public var scope: Scope?

    /// A rule spelled out.
    public init(
        isPublic: Bool = false, kinds: Set<AccountKind>, staffRoles: Set<Role>? = nil, scope: Scope? = nil
    ) {
        self.isPublic = isPublic
        self.kinds = kinds
        self.staffRoles = staffRoles
        self.scope = scope
    }

    /// No token needed.
    public static let anyone = AccessRule(isPublic: true, kinds: Set(AccountKind.allCases))

    /// Every authenticated account: staff of any role, clients and services.
    public static let anyAccount = AccessRule(kinds: Set(AccountKind.allCases))

    /// Staff holding one of `roles` (any staff when none are given).
    public static func staff(_ roles: Role...) -> AccessRule {
        AccessRule(kinds: [.staff], staffRoles: roles.isEmpty ? nil : Set(roles))
    }

    /// Clients.
    public static let clients = AccessRule(kinds: [.client])

    /// Service accounts.
    public static let services = AccessRule(kinds: [.service])

    /// Callers admitted by either rule.
    public static func | (lhs: AccessRule, rhs: AccessRule) -> AccessRule {
        let staffRoles: Set<Role>? =
            switch (lhs.kinds.contains(.staff), rhs.kinds.contains(.staff)) {
            case (true, true): lhs.staffRoles.flatMap { l in rhs.staffRoles.map { l.union($0) } }
            case (true, false): lhs.staffRoles
            case (false, true): rhs.staffRoles
            case (false, false): nil
            }
        return AccessRule(
            isPublic: lhs.isPublic || rhs.isPublic, kinds: lhs.kinds.union(rhs.kinds), staffRoles: staffRoles,
            scope: lhs.scope ?? rhs.scope)
    }

    /// The same rule, also open to tokens of `scope`.
    public func allowing(_ scope: Scope) -> AccessRule {
        var copy = self
        copy.scope = scope
        return copy
    }

    /// Whether `principal` passes this gate.
    public func admits(_ principal: Principal) -> Bool {
        if let tokenScope = principal.scope, tokenScope != scope { return false }
        guard kinds.contains(principal.kind) else { return false }
        if principal.kind == .staff, let staffRoles {
            return !principal.roles.isDisjoint(with: staffRoles)
        }
        return true
    }

    /// E.g. `staff(admin, scheduler) | clients`.
    public var description: String {
        if isPublic { return "anyone" }
        var parts: [String] = []
        if kinds.contains(.staff) {
            parts.append(
                staffRoles.map { "staff(\($0.sorted().map(\.rawValue).joined(separator: ", ")))" } ?? "staff")
        }
        if kinds.contains(.client) { parts.append("clients") }
        if kinds.contains(.service) { parts.append("services") }
        var text = parts.joined(separator: " | ")
        if let scope { text += " (also \(scope.rawValue) tokens)" }
        return text
    }
}
