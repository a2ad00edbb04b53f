import Foundation
import Testing
import TillitContracts
import TillitNotes
import TillitServiceKit
import TillitTesting

/// The gate of Notes' authorisation matrix, generated from `NotesAccessPolicy` (every method ×
/// every kind of caller). The finer cells — author, consented colleague, client, co-signing
/// supervisor, emergency access, other practices — are in `NotesReadAccessTests`.
@Suite(.timeLimit(.minutes(5)))
struct NotesAccessPolicyMatrixTests {
    @Test func theTableCoversEveryMethodAndNoneIsPublic() throws {
        try NotesAccessPolicy.policy.check(
            methods: Tillit_Notes_V1_Notes.Method.all, publicPaths: Tillit_Notes_V1_Notes.Method.publicPaths)
        #expect(NotesAccessPolicy.policy.rules.count == Tillit_Notes_V1_Notes.Method.all.count)
        #expect(NotesAccessPolicy.policy.publicPaths.isEmpty)
    }

    @Test func everyCallerOfEveryMethodGetsWhatTheRuleSays() async throws {
        try await withNotes { harness in
            let cells = try await expectGateMatchesPolicy(
                NotesAccessPolicy.policy, methods: Tillit_Notes_V1_Notes.Method.all, rpc: harness.notesRPC,
                options: harness.options)
            #expect(cells == Tillit_Notes_V1_Notes.Method.all.count * Practice.Role.allCases.count)
        }
    }
}
