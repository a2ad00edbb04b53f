import Foundation
import Testing
import TillitContracts
import TillitIdentity
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The gate of the authorisation matrix, generated from `IdentityAccessPolicy`: every method of
/// the proto (so none can be missed) called by every kind of caller against a real server, and
/// the answer is exactly what the method's rule says — UNAUTHENTICATED without a token,
/// PERMISSION_DENIED from the gate for a caller the rule does not admit (a TOTP-enrolment token
/// included), and never a gate refusal for one it admits. The finer cells ("self", other
/// organisations, footnotes) are in `AuthorizationMatrixTests`.
@Suite(.timeLimit(.minutes(5))) struct AccessPolicyMatrixTests {
    /// The callers tried on every method: the practice's roles, plus a scoped token.
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, client, admin, scheduler, practitioner, supervisor, service, enrolmentToken

        /// What the gate sees of this caller (nil: no token).
        var principal: Principal? {
            func staff(_ roles: Role...) -> Principal {
                Principal(subject: "s", organization: "o", kind: .staff, roles: Set(roles))
            }
            switch self {
            case .anonymous: return nil
            case .client: return Principal(subject: "c", organization: "o", kind: .client)
            case .service: return Principal(subject: "v", organization: "o", kind: .service)
            case .admin: return staff(.admin)
            case .scheduler: return staff(.scheduler)
            case .practitioner: return staff(.practitioner)
            case .supervisor: return staff(.supervisor)
            case .enrolmentToken:
                return Principal(
                    subject: "s", organization: "o", kind: .staff, roles: [], scope: .totpEnrolment)
            }
        }
    }

    @Test func theTableCoversEveryMethodAndItsPublicRulesAreTheProtos() throws {
        try IdentityAccessPolicy.policy.check(
            methods: Tillit_Identity_V1_Identity.Method.all,
            publicPaths: Tillit_Identity_V1_Identity.Method.publicPaths)
        #expect(IdentityAccessPolicy.policy.rules.count == Tillit_Identity_V1_Identity.Method.all.count)
    }

    @Test(arguments: Tillit_Identity_V1_Identity.Method.all.map(\.method))
    func everyCallerGetsWhatTheRuleSays(_ name: String) async throws {
        let method = try #require(Tillit_Identity_V1_Identity.Method.all.first { $0.method == name })
        let rule = try #require(IdentityAccessPolicy.policy.rule(for: method.path))
        try await withIdentity { harness in
            let practice = try await Practice.make(harness)
            _ = try await harness.identity.createStaffAccount(
                .with {
                    $0.email = "enrolling.admin@stigen.se"
                    $0.displayName = "Enrolling Admin"
                    $0.roles = [.admin]
                    $0.initialPassword = IdentityHarness.password
                }, options: practice.options(.admin))
            let login = try await harness.identity.login(
                .with {
                    $0.organizationID.value = practice.organization
                    $0.email = "enrolling.admin@stigen.se"
                    $0.password = IdentityHarness.password
                })
            try #require(login.totpEnrolmentRequired)
            for caller in Caller.allCases {
                let options: CallOptions =
                    switch caller {
                    case .anonymous: CallOptions()
                    case .enrolmentToken: IdentityHarness.auth(login.tokens.accessToken)
                    default: practice.options(Practice.Role(rawValue: caller.rawValue)!)
                    }
                let cell = Comment(rawValue: "\(name) × \(caller.rawValue) (rule: \(rule))")
                let (outcome, _, message) = await attempt {
                    try await harness.rpc.call(method, payload: Data(), options: options)
                }
                let gateRefused = message.hasPrefix(AccessPolicy.refusalPrefix)
                if rule.isPublic {
                    // No token is asked for (Login may still answer UNAUTHENTICATED: wrong credentials).
                    #expect(!gateRefused, cell)
                    #expect(!message.contains("authorization"), cell)
                } else if let principal = caller.principal {
                    if rule.admits(principal) {
                        #expect(!gateRefused, cell)
                    } else {
                        #expect(outcome == .failed(.permissionDenied), cell)
                        #expect(gateRefused, cell)
                    }
                } else {
                    #expect(outcome == .failed(.unauthenticated), cell)
                }
            }
        }
    }
}
