import Testing
import TillitContracts
import TillitRPC
import TillitServiceKit

/// The access table's rules and checks, without a server.
@Suite(.timeLimit(.minutes(1))) struct AccessPolicyTests {
    static func staff(_ roles: Role...) -> Principal {
        Principal(subject: "s", organization: "o", kind: .staff, roles: Set(roles))
    }
    static let client = Principal(subject: "c", organization: "o", kind: .client)
    static let service = Principal(subject: "v", organization: "o", kind: .service)
    static let enrolling = Principal(
        subject: "s", organization: "o", kind: .staff, roles: [.admin], scope: .totpEnrolment)

    @Test func rulesAdmitExactlyTheKindsAndRolesTheyName() {
        let rule = AccessRule.staff(.admin, .scheduler) | .clients
        #expect(rule.admits(Self.staff(.admin)))
        #expect(rule.admits(Self.staff(.scheduler, .practitioner)))
        #expect(!rule.admits(Self.staff(.practitioner)))
        #expect(!rule.admits(Self.staff()))
        #expect(rule.admits(Self.client))
        #expect(!rule.admits(Self.service))
        #expect(AccessRule.staff().admits(Self.staff()))
        #expect(AccessRule.anyAccount.admits(Self.service))
        #expect(rule.description == "staff(admin, scheduler) | clients")
    }

    @Test func aScopedTokenPassesOnlyRulesOpenToItsScope() {
        #expect(!AccessRule.staff(.admin).admits(Self.enrolling))
        #expect(!AccessRule.anyAccount.admits(Self.enrolling))
        #expect(AccessRule.staff().allowing(.totpEnrolment).admits(Self.enrolling))
        #expect(AccessRule.staff().allowing(.totpEnrolment).admits(Self.staff(.practitioner)))
    }

    @Test func authorizeRefusesWithTheGatePrefixAndFailsClosed() throws {
        let echo = Tillit_Testing_V1_Echo.Method.echo
        let policy = AccessPolicy([echo: .staff(.admin)])
        try policy.authorize(Self.staff(.admin), path: echo.path)
        for principal in [Self.client, Self.service, Self.staff(.practitioner), Self.enrolling] {
            let error = #expect(throws: ServiceError.self) {
                try policy.authorize(principal, path: echo.path)
            }
            #expect(error?.code == .permissionDenied)
            #expect(error?.message.hasPrefix(AccessPolicy.refusalPrefix) == true)
        }
        let scoped = #expect(throws: ServiceError.self) {
            try policy.authorize(Self.enrolling, path: echo.path)
        }
        #expect(scoped?.message.contains("enrol TOTP first") == true)
        let unlisted = #expect(throws: ServiceError.self) {
            try policy.authorize(Self.staff(.admin), path: "/x.Y/Z")
        }
        #expect(unlisted?.code == .permissionDenied)
    }

    @Test func checkNamesMissingUnknownAndDisagreeingPublicMethods() throws {
        let echo = Tillit_Testing_V1_Echo.Method.echo
        let health = Tillit_Health_V1_Health.Method.check
        try AccessPolicy([echo: .anyAccount]).check(methods: [echo], publicPaths: [])
        let missing = #expect(throws: ServiceError.self) {
            try AccessPolicy([echo: .anyAccount]).check(methods: [echo, health], publicPaths: [])
        }
        #expect(missing?.message.contains("no rule for \(health.path)") == true)
        let unknown = #expect(throws: ServiceError.self) {
            try AccessPolicy([echo: .anyAccount, health: .anyone]).check(methods: [echo], publicPaths: [])
        }
        #expect(unknown?.message.contains("rules for unknown methods") == true)
        let disagree = #expect(throws: ServiceError.self) {
            try AccessPolicy([echo: .anyone]).check(methods: [echo], publicPaths: [])
        }
        #expect(disagree?.message.contains("differ from the proto's @public") == true)
    }

    @Test func healthIsPublicAndGeneratedFromTheProto() {
        #expect(AccessPolicy.health.publicPaths == Tillit_Health_V1_Health.Method.publicPaths)
        #expect(Tillit_Health_V1_Health.Method.publicPaths == [Tillit_Health_V1_Health.Method.check.path])
    }
}
