import Foundation
import Testing
import TillitContracts

@testable import TillitCLI

/// How `tillit notes` reads a body people write: `## heading` sections, structured templates'
/// fixed sections, free text.
@Suite(.timeLimit(.minutes(1))) struct NoteBodyInputTests {
    @Test func aStructuredTemplateTakesItsSectionsInAnyCaseAndOrderAndSendsThemInOrder() throws {
        let text = """
            ## Plan
            Sleep diary.

            ## subjective
            Sleeps badly
            since the move.
            ## ASSESSMENT\r
            Insomnia.
            """
        let body = try NoteBodyInput.parse(text, template: .soap)
        #expect(body.template == .soap)
        #expect(body.sections.map(\.heading) == ["subjective", "objective", "assessment", "plan"])
        #expect(
            body.sections.map(\.text) == ["Sleeps badly\nsince the move.", "", "Insomnia.", "Sleep diary."])
        // Read back: the same body.
        #expect(try NoteBodyInput.parse(NoteBodyInput.text(body), template: .soap) == body)
    }

    @Test func aStructuredTemplateRefusesOtherSectionsStrayTextRepeatsAndEmptiness() {
        for (text, message) in [
            ("## feelings\nSad.", "'## feelings' is not a section of DAP"),
            ("Hello\n## data\nx", "text before its first section"),
            ("## data\nx\n## data\ny", "'## data' twice"),
            ("## data\n\n## plan\n", "the note is empty"),
        ] {
            #expect {
                try NoteBodyInput.parse(text, template: .dap)
            } throws: { error in
                (error as? CLIError)?.code == .usage
                    && (error as? CLIError)?.message.contains(message) == true
            }
        }
        #expect(NoteBodyInput.skeleton(.birp) == "## behavior\n\n## intervention\n\n## response\n\n## plan\n")
        #expect(throws: CLIError.self) {
            try NoteBodyInput.parse(NoteBodyInput.skeleton(.birp), template: .birp)
        }
    }

    @Test func freeTextIsOneSectionOrHasFreeHeadings() throws {
        let plain = try NoteBodyInput.parse("\nWe talked about the garden.\n\n", template: .free)
        #expect(plain.sections.map(\.heading) == [""])
        #expect(plain.sections.map(\.text) == ["We talked about the garden."])
        let headed = try NoteBodyInput.parse(
            "Intro line.\n## What we agreed\nA walk every day.\n## Next time\nThe letter.", template: .free)
        #expect(headed.sections.map(\.heading) == ["", "What we agreed", "Next time"])
        #expect(headed.sections.map(\.text) == ["Intro line.", "A walk every day.", "The letter."])
        #expect(try NoteBodyInput.parse(NoteBodyInput.text(headed), template: .free) == headed)
        #expect(throws: CLIError.self) { try NoteBodyInput.parse(" \n\n", template: .free) }
        // Only a line starting with "## " is a heading.
        let hashes = try NoteBodyInput.parse("#3 on the list\n###not a heading", template: .free)
        #expect(hashes.sections.count == 1)
    }

    @Test func anEditorWritesTheBodyAndAFailingOneWritesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-editor-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let seen = folder.appendingPathComponent("seen").path
        // Keeps what it was given, then appends a line.
        let editor = "cp \"$1\" '\(seen)' && printf 'Walks daily.\\n' >>"
        let text = try NoteBodyInput.edit(
            "## data\n", environment: ["EDITOR": editor, "PATH": "/usr/bin:/bin"])
        #expect(text == "## data\nWalks daily.\n")
        #expect(FileManager.default.contents(atPath: seen) == Data("## data\n".utf8))
        #expect(throws: CLIError.self) {
            try NoteBodyInput.edit("x", environment: ["EDITOR": "false", "PATH": "/usr/bin:/bin"])
        }
        #expect(throws: CLIError.self) { try NoteBodyInput.edit("x", environment: [:]) }
    }
}
