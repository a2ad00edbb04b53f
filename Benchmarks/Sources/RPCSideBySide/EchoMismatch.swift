/// An echo answered with a payload of the wrong size.
struct EchoMismatch: Error, CustomStringConvertible {
    /// The bytes sent.
    let expected: Int
    /// The bytes received.
    let received: Int

    /// The mismatch, for the error message.
    var description: String { "echo answered \(received) bytes, expected \(expected)" }
}
