import Foundation
import Testing
import TillitCLI
import TillitTesting

/// The README's "A first journey, in commands" runs as written: `tillit stack up --demo` (what
/// `scripts/stack --demo` starts) with the four real services on port 0, then every `tillit` line
/// of the block in order, each person in the session folder the block exports, the `<…>` values
/// taken from the output of the lines before (run with `--json`), each line exiting 0. A
/// `tillit login` line is run with the two-factor enrolment the README describes.
@Suite(.timeLimit(.minutes(6))) struct READMEJourneyTests {
    static let root = SourceTree.root

    /// The block's command lines, comments removed.
    static func commands() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try #require(
            readme.components(separatedBy: "<!-- readme-journey:start -->").last?
                .components(separatedBy: "<!-- readme-journey:end -->").first)
        return block.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("```") }.map { line in
            // A comment starts at "  #" (the commands hold no " #" of their own).
            (line.range(of: "  #").map { String(line[..<$0.lowerBound]) } ?? line).trimmingCharacters(
                in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// `line` split into words as a shell would (double quotes group; no other quoting is used).
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == " " && !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    @Test func theREADMEsFirstJourneyRunsAsWritten() async throws {
        let lines = try Self.commands()
        #expect(lines.first?.hasPrefix("scripts/stack --demo") == true, "\(lines)")
        #expect(lines.filter { $0.hasPrefix("tillit ") }.count >= 10, "\(lines)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-readme-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stack = try StackUpProcess([
            "--demo", "--bin-dir", try StackUpProcess.binaries(in: folder).path, "--data-dir",
            folder.appendingPathComponent("data").path, "--identity-addr", "127.0.0.1:0", "--booking-addr",
            "127.0.0.1:0", "--notes-addr", "127.0.0.1:0", "--supervision-addr", "127.0.0.1:0",
        ])
        for marker in ["demo: supervision seeded.", "supervision SERVING"] {
            guard await stack.waitFor(marker, timeout: .seconds(150)) else {
                _ = try await stack.stop()
                Issue.record("no '\(marker)' in: \(stack.output)")
                return
            }
        }
        let output = stack.output
        let line = try #require(output.split(separator: "\n").first { $0.contains("organisation id:") })
        var values = ["org": String(line.split(separator: " ").last!)]
        var environment = ["TILLIT_TLS_CA": folder.appendingPathComponent("data/tls/ca.pem").path]
        for service in ["identity", "booking", "notes", "supervision"] {
            let serving = try #require(stack.serving(service), "\(output)")
            environment["TILLIT_\(service.uppercased())_ADDR"] = serving.address.description
        }
        var user: CLIUser?
        for line in lines.dropFirst() {
            if line.hasPrefix("export TILLIT_CONFIG_DIR=") {
                let name = URL(fileURLWithPath: String(line.dropFirst("export TILLIT_CONFIG_DIR=".count)))
                    .lastPathComponent
                user = CLIUser(
                    configDirectory: folder.appendingPathComponent(name),
                    identityAddress: environment["TILLIT_IDENTITY_ADDR"]!, environment: environment)
                continue
            }
            let current = try #require(user, "a command before any export: \(line)")
            var text = line
            var stdin: String?
            if let here = text.range(of: " <<< ") {
                stdin = Self.words(String(text[here.upperBound...])).joined(separator: " ") + "\n"
                text = String(text[..<here.lowerBound])
            }
            for (key, value) in values { text = text.replacingOccurrences(of: "<\(key)>", with: value) }
            #expect(!text.contains("<"), "every value is known before \(line): \(values)")
            let words = Self.words(text)
            try #require(words.first == "tillit", "\(line)")
            let arguments = Array(words.dropFirst())
            if arguments.first == "login" {
                let email = try #require(arguments.firstIndex(of: "--email").map { arguments[$0 + 1] })
                try await current.logInEnrollingTOTP(
                    org: values["org"]!, email: email, password: DemoSeederPassword.value)
                continue
            }
            let run = try await current.run(arguments + ["--json"], stdin: stdin)
            #expect(run.status == 0, "\(line)\n\(run)")
            guard run.status == 0 else { break }
            // The values later lines use.
            switch Array(arguments.prefix(2)) {
            case ["staff", "list"]:
                values["gustav"] =
                    run.jsonArray?.first { $0["displayName"] as? String == "Gustav Holm" }?["id"] as? String
            case ["client", "list"]:
                values["ida"] =
                    run.jsonArray?.first { $0["displayName"] as? String == "Ida Nilsson" }?["id"] as? String
            case ["booking", "session-types"]:
                values["type"] =
                    run.jsonArray?.first { $0["name"] as? String == "Individual session" }?["id"] as? String
            case ["booking", "slots"]:
                let slot = try #require(run.jsonArray?.first, "a free slot of Gustav: \(run)")
                values["start"] = slot["start"] as? String
                values["location"] = slot["locationId"] as? String
            case ["notes", "write"]:
                values["note"] = run.json?["id"] as? String
                #expect(run.json?["status"] as? String == "awaiting-cosignature", "\(run)")
            case ["supervision", "queue"]:
                #expect(
                    run.jsonArray?.compactMap { $0["id"] as? String } == [values["note"]].compactMap { $0 })
            case ["supervision", "approve"]:
                #expect(run.json?["status"] as? String == "cosigned", "\(run)")
            default: break
            }
        }
        #expect(values["note"] != nil, "the journey got as far as the note: \(values)")
        #expect(try await stack.stop() == 0, "\(stack.output)")
    }
}
