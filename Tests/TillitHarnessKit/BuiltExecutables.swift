import Foundation

/// Executables built next to the test bundle (`swift build --build-tests` puts every product of
/// the package in the same folder).
public enum Built {
    /// The folder holding the test bundle and the package's executables.
    public static var directory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The path of the built executable `name`.
    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The staff CLI, `tillit`.
    public static var tillit: String { path("tillit") }
    /// `tillit-bench` (its `serve` is a stand-in service with Health).
    public static var bench: String { path("tillit-bench") }
    /// The Identity service, `tillit-identity`.
    public static var identity: String { path("tillit-identity") }
    /// The Booking service, `tillit-booking`.
    public static var booking: String { path("tillit-booking") }
    /// The Notes service, `tillit-notes`.
    public static var notes: String { path("tillit-notes") }
    /// The Supervision service, `tillit-supervision`.
    public static var supervision: String { path("tillit-supervision") }
}
