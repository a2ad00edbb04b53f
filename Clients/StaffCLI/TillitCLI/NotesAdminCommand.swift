import ArgumentParser
import Foundation
import TillitContracts

/// `tillit notes verify-audit`: recomputes Notes' audit chain; exit 70 when broken.
struct NotesVerifyAuditCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-audit",
        abstract: "Recompute Notes' audit hash chain; exit 0 if intact, 70 if broken (admin).",
        discussion: """
            Notes keeps its own chain (every read and write of a note). With --checkpoint (a file \
            `tillit-notes backup` wrote beside a backup), also checks the chain still holds that \
            event unchanged, so a chain cut back together with its head is found.

            Example:
              tillit notes verify-audit --json
            """)

    @Option(help: "A checkpoint file of Notes' chain.") var checkpoint: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await CLIErrors.reporting {
            try await AuditChainCheck.run(
                "Notes'", database: "notes.db", checkpoint: checkpoint, output: output
            ) {
                request in
                try await withNotes { call in
                    try await call.client.verifyAuditChain(request, options: call.options)
                }
            }
        }
    }
}

/// `tillit notes rewrap`: moves every data key to the current key-encryption keys, batch by
/// batch.
struct NotesRewrapCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrap",
        abstract: "Rewrap the notes' data keys to the current key-encryption keys (admin).",
        discussion: """
            After a new key-encryption key version is configured (TILLIT_NOTES_KEKS with \
            TILLIT_NOTES_KEK_VERSION, or the process-note keys), asks Notes to rewrap batch after \
            batch until no data key is under an older version, printing progress. Each batch is \
            one transaction, so it is safe to interrupt and run again: it goes on where it stopped. \
            Once it says 0 remain, the older key can be retired.

            Example:
              tillit notes rewrap --batch-size 500
            """)

    @Option(help: "Data keys per batch (1–10,000).") var batchSize: UInt32 = 1000
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    /// What `--json` prints.
    struct Result: Codable {
        var rewrapped: UInt64
        var remaining: UInt64
        var batches: Int
        var keyVersion: UInt32
        var processKeyVersion: UInt32
    }

    func validate() throws {
        guard (1...10_000).contains(batchSize) else {
            throw ValidationError("--batch-size must be from 1 to 10000")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            let result = try await withNotes { call in
                var result = Result(
                    rewrapped: 0, remaining: 0, batches: 0, keyVersion: 0, processKeyVersion: 0)
                while true {
                    let response = try await call.client.rewrapKeys(
                        .with { $0.batchSize = batchSize }, options: call.options)
                    result.batches += 1
                    result.rewrapped += response.rewrapped
                    result.remaining = response.remaining
                    result.keyVersion = response.keyVersion
                    result.processKeyVersion = response.processKeyVersion
                    guard response.rewrapped > 0 || response.remaining == 0 else {
                        throw CLIError(
                            .internalError,
                            "notes rewrapped nothing but says \(response.remaining) data keys remain; see its log"
                        )
                    }
                    if !output.json, response.rewrapped > 0 {
                        Terminal.say(
                            "batch \(result.batches): rewrapped \(response.rewrapped) "
                                + "(\(result.rewrapped) in all), \(response.remaining) remain")
                    }
                    if response.remaining == 0 { return result }
                }
            }
            try output.emit(result) {
                "All data keys are under key version \(result.keyVersion) (process notes: "
                    + "\(result.processKeyVersion)); \(result.rewrapped) rewrapped now."
            }
        }
    }
}
