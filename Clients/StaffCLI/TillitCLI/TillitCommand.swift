import ArgumentParser

/// `tillit`: the staff command-line client of Tillit. Each service adds its command group here.
public struct TillitCommand: AsyncParsableCommand {
    /// The command tree.
    public static let configuration = CommandConfiguration(
        commandName: "tillit",
        abstract: "Staff command-line client of Tillit.",
        discussion: """
            Exit codes: 0 ok, 64 usage, 65 invalid input, 66 not found, 67 conflict, \
            69 unavailable, 70 internal error, 77 not logged in / not allowed.
            """,
        subcommands: [HealthCommand.self, StackCommand.self])

    /// Parses arguments from `run()`.
    public init() {}
}
