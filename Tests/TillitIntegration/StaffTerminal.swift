import Foundation
import TillitHarnessKit
import TillitServiceKit

/// A staff member at a terminal: the real `tillit` binary (next to the running executable) with
/// a config folder of their own, told where every service of the stack is and which CA to trust.
public struct StaffTerminal: Sendable {
    /// What a run of `tillit` did.
    public struct Run: Sendable, CustomStringConvertible {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        /// `stdout` parsed as a JSON object, if it is one.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }

        /// `stdout` parsed as a JSON array of objects, if it is one.
        public var jsonArray: [[String: Any]]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [[String: Any]]
        }

        public var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    let environment: [String: String]
    /// Where their files (session, note bodies) go.
    public let folder: URL

    /// The terminal of `name` on `stack`, in a new folder.
    public init(_ name: String, on stack: IntegrationStack) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tillit-terminal-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = ["TILLIT_CONFIG_DIR": folder.path, "NO_COLOR": "1", "SWIFT_BACKTRACE": "enable=no"]
        for (service, address) in stack.addresses {
            environment[service.addressVariable] = address.description
        }
        if let ca = stack.caFile { environment["TILLIT_TLS_CA"] = ca }
        self.environment = environment
    }

    /// Runs `tillit arguments`, with `stdin` as its standard input.
    public func run(_ arguments: [String], stdin: String? = nil) async throws -> Run {
        let environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        return try await onOwnThread {
            let run = try SpawnedProcess.run(
                executable: Built.tillit, arguments: arguments, environment: environment,
                input: stdin.map { Data($0.utf8) })
            return Run(
                status: run.status, stdout: String(decoding: run.standardOutput, as: UTF8.self),
                stderr: String(decoding: run.standardError, as: UTF8.self))
        }
    }

    /// Runs `tillit arguments`; fails the journey unless it exits 0.
    @discardableResult
    public func succeed(_ arguments: [String], stdin: String? = nil) async throws -> Run {
        let run = try await run(arguments, stdin: stdin)
        guard run.status == 0 else {
            throw IntegrationFailure("tillit \(arguments.joined(separator: " ")): \(run)")
        }
        return run
    }

    /// `tillit login` as `person` of `organization` (with the next TOTP code when they have
    /// two-factor), the password on standard input.
    public func logIn(_ person: Person, organization: String) async throws -> Person {
        var arguments = ["login", "--org", organization, "--email", person.email, "--password-stdin"]
        var signedIn = person
        if let totp = person.totp {
            let (code, step) = try await SignIn.nextCode(for: person)
            arguments += ["--totp", code]
            signedIn.totp = (totp.secret, step)
        }
        try await succeed(arguments, stdin: CarePractice.password + "\n")
        return signedIn
    }

    /// Writes `text` to a file in the folder; its path.
    public func file(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Removes the folder (the session file with it).
    public func close() {
        try? FileManager.default.removeItem(at: folder)
    }
}
