import Foundation

/// `rpc-side-by-side --impl NAME --size BYTES [...]`: measures one implementation in this
/// process (server and client both) and prints one JSON line; `Benchmarks/run` calls it once per
/// implementation, size and round, so every measurement starts in a fresh process.
@main
enum RPCSideBySide {
    /// Parses the command line, runs the measurement, prints the result line.
    static func main() async {
        do {
            let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
            let result = try await Contenders.run(options)
            print(try result.jsonLine())
        } catch {
            FileHandle.standardError.write(Data("rpc-side-by-side: \(error)\n".utf8))
            exit(1)
        }
    }
}
