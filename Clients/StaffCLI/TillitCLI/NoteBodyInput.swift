import Foundation
import TillitContracts

/// The body of a note as people write it: plain text in which a line `## <heading>` starts a
/// section. A structured template (SOAP, DAP, BIRP) takes exactly its own sections, by name in
/// any case and order, and sends them in the template's order (a missing one is empty: a draft
/// may be incomplete, a signed note may not). Free text takes any headings; text before the
/// first heading (or a text without headings) is a section without a heading.
enum NoteBodyInput {
    /// The sections of `template` in order; nil for free text.
    static func headings(_ template: Tillit_Notes_V1_NoteTemplate) -> [String]? {
        switch template {
        case .soap: ["subjective", "objective", "assessment", "plan"]
        case .dap: ["data", "assessment", "plan"]
        case .birp: ["behavior", "intervention", "response", "plan"]
        default: nil
        }
    }

    /// `text` as a body of `template`; a usage error for text outside the template's sections,
    /// an unknown or repeated section, or a body without any text.
    static func parse(_ text: String, template: Tillit_Notes_V1_NoteTemplate) throws
        -> Tillit_Notes_V1_NoteBody
    {
        var preamble: [Substring] = []
        var sections: [(heading: String, lines: [Substring])] = []
        // A "\r\n" is one Character (a newline), so Windows line ends split too.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if let heading = heading(of: line) {
                sections.append((heading, []))
            } else if sections.isEmpty {
                preamble.append(line)
            } else {
                sections[sections.count - 1].lines.append(line)
            }
        }
        func joined(_ lines: [Substring]) -> String {
            lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let word = Names.word(template, in: Names.noteTemplates).uppercased()
        var body = Tillit_Notes_V1_NoteBody()
        body.template = template
        if let headings = headings(template) {
            let expected = headings.map { "## \($0)" }.joined(separator: ", ")
            guard joined(preamble).isEmpty else {
                throw CLIError(
                    .usage,
                    "the \(word) note has text before its first section: start each section with a "
                        + "line of its own (\(expected))")
            }
            var texts: [String: String] = [:]
            for section in sections {
                let key = section.heading.lowercased()
                guard headings.contains(key) else {
                    throw CLIError(
                        .usage, "'## \(section.heading)' is not a section of \(word): use \(expected)")
                }
                guard texts[key] == nil else {
                    throw CLIError(.usage, "the \(word) note has '## \(key)' twice")
                }
                texts[key] = joined(section.lines)
            }
            body.sections = headings.map { heading in
                .with {
                    $0.heading = heading
                    $0.text = texts[heading] ?? ""
                }
            }
        } else {
            if !joined(preamble).isEmpty || sections.isEmpty {
                body.sections.append(.with { $0.text = joined(preamble) })
            }
            for section in sections {
                body.sections.append(
                    .with {
                        $0.heading = section.heading
                        $0.text = joined(section.lines)
                    })
            }
        }
        guard body.sections.contains(where: { !$0.text.isEmpty }) else {
            throw CLIError(.usage, "the note is empty: nothing written")
        }
        return body
    }

    /// The heading a line `## heading` starts, else nil.
    private static func heading(of line: Substring) -> String? {
        guard line.hasPrefix("## ") || line == "##" else { return nil }
        return line.dropFirst(2).trimmingCharacters(in: .whitespaces)
    }

    /// `body` as text `parse` reads back: `## heading` lines before each section's text (a
    /// section without a heading comes without one).
    static func text(_ body: Tillit_Notes_V1_NoteBody) -> String {
        body.sections.map { section in
            section.heading.isEmpty ? section.text + "\n" : "## \(section.heading)\n\(section.text)\n"
        }.joined(separator: "\n")
    }

    /// What the editor starts with for a new note of `template`: the headings of a structured
    /// template, else nothing.
    static func skeleton(_ template: Tillit_Notes_V1_NoteTemplate) -> String {
        guard let headings = headings(template) else { return "" }
        return headings.map { "## \($0)\n" }.joined(separator: "\n")
    }

    /// The text of a body: from `file` (`-` is standard input) if given, else written in
    /// `$EDITOR`, starting from `initial`.
    static func read(
        file: String?, initial: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        if let file {
            if file == "-" {
                return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError(.usage, "cannot read --file \(file)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError(.usage, "--file \(file) is not UTF-8 text")
            }
            return text
        }
        return try edit(initial, environment: environment)
    }

    /// `initial` edited in `$EDITOR` (run by `/bin/sh`, so it may carry arguments), in a file
    /// only the user can read that is removed afterwards.
    static func edit(_ initial: String, environment: [String: String]) throws -> String {
        guard let editor = environment["EDITOR"], !editor.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CLIError(.usage, "no --file given and $EDITOR is not set: set EDITOR or pass --file <path>")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-note-\(UUID())")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("note.md")
        guard
            FileManager.default.createFile(
                atPath: file.path, contents: Data(initial.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw CLIError(.internalError, "cannot write \(file.path) for the editor")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "tillit-editor", file.path]
        process.environment = environment
        do {
            try process.run()
        } catch {
            throw CLIError(.usage, "cannot run the editor '\(editor)': \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError(
                .usage, "the editor exited with status \(process.terminationStatus): nothing written")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw CLIError(.usage, "the editor left no file: nothing written")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
