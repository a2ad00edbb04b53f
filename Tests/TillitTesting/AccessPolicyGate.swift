import Foundation
import Testing
import TillitRPC
import TillitServiceKit

/// The gate of a service's authorisation matrix, generated from its `AccessPolicy`: every method
/// of `methods` called through `rpc` by every kind of caller of `Practice.Role`, expecting
/// exactly what the method's rule says — UNAUTHENTICATED without a token, PERMISSION_DENIED
/// from the gate for a caller the rule does not admit, never a gate refusal for one it admits.
/// Returns the number of cells tried.
@discardableResult
public func expectGateMatchesPolicy(
    _ policy: AccessPolicy, methods: [MethodDescriptor], rpc: RPCClient,
    options: (Practice.Role) -> CallOptions, sourceLocation: SourceLocation = #_sourceLocation
) async throws -> Int {
    let principals: [Practice.Role: Principal] = [
        .client: Principal(subject: "c", organization: "o", kind: .client),
        .service: Principal(subject: "v", organization: "o", kind: .service),
        .admin: Principal(subject: "s", organization: "o", kind: .staff, roles: [.admin]),
        .scheduler: Principal(subject: "s", organization: "o", kind: .staff, roles: [.scheduler]),
        .practitioner: Principal(subject: "s", organization: "o", kind: .staff, roles: [.practitioner]),
        .supervisor: Principal(subject: "s", organization: "o", kind: .staff, roles: [.supervisor]),
        .otherAdmin: Principal(subject: "s", organization: "p", kind: .staff, roles: [.admin]),
    ]
    var cells = 0
    for method in methods {
        let rule = try #require(policy.rule(for: method.path), sourceLocation: sourceLocation)
        for role in Practice.Role.allCases {
            let cell = Comment(rawValue: "\(method.method) × \(role.rawValue) (rule: \(rule))")
            let (outcome, _, message) = await attempt {
                try await rpc.call(method, payload: Data(), options: options(role))
            }
            let gateRefused = message.hasPrefix(AccessPolicy.refusalPrefix)
            if let principal = principals[role] {
                if rule.admits(principal) {
                    #expect(!gateRefused, cell, sourceLocation: sourceLocation)
                    #expect(outcome != .failed(.unauthenticated), cell, sourceLocation: sourceLocation)
                } else {
                    #expect(outcome == .failed(.permissionDenied), cell, sourceLocation: sourceLocation)
                    #expect(gateRefused, cell, sourceLocation: sourceLocation)
                }
            } else {
                #expect(outcome == .failed(.unauthenticated), cell, sourceLocation: sourceLocation)
            }
            cells += 1
        }
    }
    return cells
}
