import ArgumentParser
import Foundation

/// `--zone`: the IANA time zone `tillit booking` shows times in and reads local times in.
struct ZoneOptions: ParsableArguments, Sendable {
    @Option(
        help: ArgumentHelp(
            "IANA time zone to show and read times in (default: your own as a client, else the practice's).",
            valueName: "zone"))
    var zone: String?
}
