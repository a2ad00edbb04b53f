import Foundation
import Testing
import TillitCLI
import TillitIdentity
import TillitServiceKit
import TillitTesting

/// A real `tillit-identity` process on a loopback port it picks itself (port 0, read back from
/// its ready file) with a temporary data folder and cheap password hashing
/// (TILLIT_IDENTITY_SCRYPT_LOG2_N=10).
final class IdentityStack: Sendable {
    let folder: URL
    let port: Int
    let child: ChildProcess

    var address: String { "127.0.0.1:\(port)" }

    private init(folder: URL, port: Int, child: ChildProcess) {
        self.folder = folder
        self.port = port
        self.child = child
    }

    /// Starts Identity and waits until it has bound and is SERVING.
    static func start(environment extra: [String: String] = [:]) async throws -> IdentityStack {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tillit-cli-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = [
            "TILLIT_DATA_DIR": folder.appendingPathComponent("data").path,
            "TILLIT_IDENTITY_ADDR": "127.0.0.1:0",
            "TILLIT_IDENTITY_SCRYPT_LOG2_N": "10",
        ]
        // TLS with the test PKI's identity certificate; `tillit` trusts its CA (CLIUser.run).
        environment.merge(TestPKI.main.environment(for: "identity")) { $1 }
        environment.merge(extra) { $1 }
        let child = try ChildProcess(executable: Built.identity, environment: environment, name: "identity")
        let bound: ServiceAddress
        do {
            bound = try await child.boundAddress()
        } catch {
            child.stopInBackground { try? FileManager.default.removeItem(at: folder) }
            throw error
        }
        let stack = IdentityStack(folder: folder, port: bound.port, child: child)
        let end = ContinuousClock.now + .seconds(60)
        let security = try TestPKI.main.client(serverName: "identity")
        while await HealthProbe.check(bound, timeout: .milliseconds(500), security: security) != .serving {
            guard ContinuousClock.now < end, child.exitStatus == nil else {
                stack.tearDown()
                throw CLIError(.unavailable, "tillit-identity did not become SERVING; log:\n\(child.log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return stack
    }

    /// A user of `tillit` with their own config folder (session file).
    func user(_ name: String) -> CLIUser {
        CLIUser(configDirectory: folder.appendingPathComponent("config-\(name)"), identityAddress: address)
    }

    /// Stops Identity and removes the folder, without blocking the caller (for `defer`): the
    /// waiting happens on a thread of its own.
    func tearDown() {
        let folder = self.folder
        child.stopInBackground { try? FileManager.default.removeItem(at: folder) }
    }

    /// Bootstraps an organisation, logs its admin in, enrols and confirms TOTP and logs in
    /// again with a code; returns the organisation id and the admin. Unless `staffTotp`, turns
    /// the practice's "two-factor for all staff" rule off (tests of staff logins with a
    /// password alone; on is the default of a new practice).
    func bootstrapWithAdmin(password: String = "correct horse battery", staffTotp: Bool = false) async throws
        -> (org: String, admin: CLIUser)
    {
        let admin = user("admin")
        let boot = try await admin.run(
            [
                "org", "bootstrap", "--name", "Test Practice", "--time-zone", "Europe/Stockholm",
                "--admin-email", "admin@test.example", "--admin-name", "Ada Admin", "--location",
                "Centrum|Storgatan 1|Umeå", "--password-stdin", "--json",
            ], stdin: password + "\n")
        try #require(boot.status == 0, "\(boot)")
        let org = try #require(boot.value("organization", "id") as? String)
        let first = try await admin.run(
            ["login", "--org", org, "--email", "admin@test.example", "--password-stdin"],
            stdin: password + "\n")
        try #require(first.status == 0, "\(first)")
        let enrol = try await admin.run(["mfa", "enrol", "--json"])
        try #require(enrol.status == 0, "\(enrol)")
        let secret = try #require(enrol.json?["secret"] as? String)
        let totp = TOTP(secret: try #require(Base32.decode(secret)))
        let step = TOTP.step(at: Date())
        let confirm = try await admin.run(["mfa", "confirm", totp.code(step: step)])
        try #require(confirm.status == 0, "\(confirm)")
        let second = try await admin.run(
            [
                "login", "--org", org, "--email", "admin@test.example", "--totp", totp.code(step: step + 1),
                "--password-stdin",
            ],
            stdin: password + "\n")
        try #require(second.status == 0, "\(second)")
        if !staffTotp {
            let off = try await admin.run(["org", "update", "--staff-totp", "off"])
            try #require(off.status == 0, "\(off)")
        }
        return (org, admin)
    }
}

/// Runs `tillit` as one person: their own TILLIT_CONFIG_DIR, Identity's address from the
/// environment, no colour.
struct CLIUser: Sendable {
    let configDirectory: URL
    let identityAddress: String
    /// More variables of every run (e.g. TILLIT_BOOKING_ADDR), under those of `run`'s caller.
    var environment: [String: String] = [:]

    var sessionFile: URL { configDirectory.appendingPathComponent("session.json") }

    /// Runs `tillit arguments`, feeding `stdin` (on a thread of its own, off the pool).
    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws
        -> TillitRun
    {
        try await onOwnThread { try runBlocking(arguments, stdin: stdin, environment: environment) }
    }

    private func runBlocking(_ arguments: [String], stdin: String?, environment: [String: String]) throws
        -> TillitRun
    {
        var merged = ProcessInfo.processInfo.environment
        merged["TILLIT_CONFIG_DIR"] = configDirectory.path
        merged["TILLIT_IDENTITY_ADDR"] = identityAddress
        merged["TILLIT_TLS_CA"] = TestPKI.main.files.caCertificate
        merged["NO_COLOR"] = "1"
        merged["SWIFT_BACKTRACE"] = "enable=no"
        merged.merge(self.environment) { $1 }
        merged.merge(environment) { $1 }
        let run = try SpawnedProcess.run(
            executable: Built.tillit, arguments: arguments, environment: merged,
            input: Data((stdin ?? "").utf8))
        return TillitRun(
            status: run.status, stdout: String(decoding: run.standardOutput, as: UTF8.self),
            stderr: String(decoding: run.standardError, as: UTF8.self))
    }

    /// Logs in a staff account whose first login only allows two-factor enrolment (the default
    /// for every staff account of a new practice): logs in with the password, enrols TOTP,
    /// confirms with the current step's code and logs in again with the next step's. Returns the
    /// account id.
    @discardableResult
    func logInEnrollingTOTP(org: String, email: String, password: String) async throws -> String {
        let first = try await run(
            ["login", "--org", org, "--email", email, "--password-stdin", "--json"], stdin: password + "\n")
        try #require(first.status == 0, "\(first)")
        try #require(first.value("totpEnrolmentRequired") as? Bool == true, "\(first)")
        let enrol = try await run(["mfa", "enrol", "--json"])
        try #require(enrol.status == 0, "\(enrol)")
        let secret = try #require(enrol.json?["secret"] as? String)
        let totp = TOTP(secret: try #require(Base32.decode(secret)))
        let step = TOTP.step(at: Date())
        let confirm = try await run(["mfa", "confirm", totp.code(step: step)])
        try #require(confirm.status == 0, "\(confirm)")
        let second = try await run(
            [
                "login", "--org", org, "--email", email, "--totp", totp.code(step: step + 1),
                "--password-stdin", "--json",
            ],
            stdin: password + "\n")
        try #require(second.status == 0, "\(second)")
        return try #require(second.value("account", "id") as? String, "\(second)")
    }

    /// The stored session as JSON.
    func session() throws -> [String: Any] {
        let data = try Data(contentsOf: sessionFile)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Replaces fields of the stored session.
    func editSession(_ change: (inout [String: Any]) -> Void) throws {
        var object = try session()
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: sessionFile)
    }
}

/// The outcome of one `tillit` run.
struct TillitRun: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard output parsed as a JSON object, if it is one.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }

    /// Standard output parsed as a JSON array of objects, if it is one.
    var jsonArray: [[String: Any]]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [[String: Any]]
    }

    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

extension TillitRun {
    /// The value at a path of keys in the JSON object on standard output.
    func value(_ path: String...) -> Any? {
        var current: Any? = json
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }
}
