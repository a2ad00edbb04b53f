import Foundation
import Testing
import TillitBooking
import TillitContracts
import TillitRPC
import TillitServiceKit
import TillitTesting

/// The gate of Booking's authorisation matrix, generated from `BookingAccessPolicy`: every
/// method of the proto called by every kind of caller against a real Booking, and the answer is
/// exactly what the method's rule says — UNAUTHENTICATED without a token, PERMISSION_DENIED from
/// the gate for a caller the rule does not admit, never a gate refusal for one it admits. The
/// finer cells (own appointments, own calendar, other organisations) are in
/// `BookingAuthorizationTests`.
@Suite(.timeLimit(.minutes(5)))
struct BookingAccessPolicyMatrixTests {
    @Test func theTableCoversEveryMethodAndNoneIsPublic() throws {
        try BookingAccessPolicy.policy.check(
            methods: Tillit_Booking_V1_Booking.Method.all,
            publicPaths: Tillit_Booking_V1_Booking.Method.publicPaths)
        #expect(BookingAccessPolicy.policy.rules.count == Tillit_Booking_V1_Booking.Method.all.count)
        #expect(BookingAccessPolicy.policy.publicPaths.isEmpty)
    }

    @Test func everyCallerOfEveryMethodGetsWhatTheRuleSays() async throws {
        try await withBooking { harness in
            let principals: [Practice.Role: Principal] = [
                .client: Principal(subject: "c", organization: "o", kind: .client),
                .service: Principal(subject: "v", organization: "o", kind: .service),
                .admin: Principal(subject: "s", organization: "o", kind: .staff, roles: [.admin]),
                .scheduler: Principal(subject: "s", organization: "o", kind: .staff, roles: [.scheduler]),
                .practitioner: Principal(
                    subject: "s", organization: "o", kind: .staff, roles: [.practitioner]),
                .supervisor: Principal(subject: "s", organization: "o", kind: .staff, roles: [.supervisor]),
                .otherAdmin: Principal(subject: "s", organization: "p", kind: .staff, roles: [.admin]),
            ]
            var cells = 0
            for method in Tillit_Booking_V1_Booking.Method.all {
                let rule = try #require(BookingAccessPolicy.policy.rule(for: method.path))
                for role in Practice.Role.allCases {
                    let cell = Comment(rawValue: "\(method.method) × \(role.rawValue) (rule: \(rule))")
                    let (outcome, _, message) = await attempt {
                        try await harness.bookingRPC.call(
                            method, payload: Data(), options: harness.options(role))
                    }
                    let gateRefused = message.hasPrefix(AccessPolicy.refusalPrefix)
                    if let principal = principals[role] {
                        if rule.admits(principal) {
                            #expect(!gateRefused, cell)
                            #expect(outcome != .failed(.unauthenticated), cell)
                        } else {
                            #expect(outcome == .failed(.permissionDenied), cell)
                            #expect(gateRefused, cell)
                        }
                    } else {
                        #expect(outcome == .failed(.unauthenticated), cell)
                    }
                    cells += 1
                }
            }
            #expect(cells == Tillit_Booking_V1_Booking.Method.all.count * Practice.Role.allCases.count)
        }
    }
}
