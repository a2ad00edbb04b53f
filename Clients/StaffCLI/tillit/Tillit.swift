import ArgumentParser
import TillitCLI

/// The `tillit` executable: the command tree lives in TillitCLI, so tests can run it in-process.
@main
struct Tillit: AsyncParsableCommand {
    static let configuration = TillitCommand.configuration
}
