import ArgumentParser
import Foundation
import TillitContracts

/// `tillit supervision flags`: supervisees flagged for supervision by the pattern rule.
struct SupervisionFlagsCommand: AsyncParsableCommand, AuthenticatedCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract:
            "Your supervisees flagged for the next supervision session (supervisors); --clear in a session.",
        discussion: """
            Examples:
              tillit supervision flags
              tillit supervision flags --clear 5e0c… --session <supervision session id>
            """)

    @Flag(help: "Also flags cleared before.") var includeCleared = false
    @Option(help: "Clear this flag …") var clear: String?
    @Option(help: "… in this supervision session (its id from `hours log`).") var session: String?
    @OptionGroup var addresses: ServiceAddressOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if (clear == nil) != (session == nil) {
            throw ValidationError("--clear and --session go together")
        }
    }

    func run() async throws {
        try await CLIErrors.reporting {
            if let clear, let session {
                let flag = try await withSupervision { call in
                    try await call.client.clearFlag(
                        .with {
                            $0.flagID = clear
                            $0.sessionID = session
                        }, options: call.options
                    ).flag
                }
                let view = FlagView(flag)
                try output.emit(view) {
                    "Cleared flag \(view.id) in session \(view.clearedInSession ?? "-")."
                }
                return
            }
            let (flags, names) = try await withSupervision { call in
                let response = try await call.client.listFlags(
                    .with { $0.includeCleared = includeCleared }, options: call.options)
                return (response.flags, await call.context(names: !output.json))
            }
            let views = flags.map(FlagView.init)
            try output.emit(views) {
                views.isEmpty
                    ? "No supervisee is flagged."
                    : Terminal.table(
                        header: ["RAISED", "SUPERVISEE", "CATEGORY", "INCIDENTS", "CLEARED", "ID"],
                        rows: views.map {
                            [
                                $0.raisedOn, names.account($0.superviseeId), $0.category,
                                String($0.incidents),
                                $0.clearedAt.map { Display.date($0) } ?? "-", $0.id,
                            ]
                        })
            }
        }
    }
}
