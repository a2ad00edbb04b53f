import ArgumentParser
import Foundation

/// How a command reads passwords: never from a flag's value (it would land in shell history
/// and `ps`), but from a no-echo prompt on the terminal, or one line per password from standard
/// input with `--password-stdin`.
struct PasswordOptions: ParsableArguments, Sendable {
    @Flag(help: "Read the password(s) from standard input, one per line, instead of prompting.")
    var passwordStdin = false

    /// Reads one password, prompting with `prompt` on the terminal.
    func ask(_ prompt: String) throws -> String {
        let password: String?
        if passwordStdin {
            password = readLine(strippingNewline: true)
        } else {
            password = try Self.prompt(prompt)
        }
        guard let password, !password.isEmpty else {
            throw CLIError(.invalidInput, "no password given")
        }
        return password
    }

    /// Reads a line from the terminal with echo off.
    private static func prompt(_ prompt: String) throws -> String? {
        let terminal = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard terminal >= 0 else {
            throw CLIError(.usage, "no terminal to ask for the password on: pipe it in with --password-stdin")
        }
        defer { close(terminal) }
        var original = termios()
        let hasTermios = tcgetattr(terminal, &original) == 0
        if hasTermios {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(terminal, TCSAFLUSH, &silent)
        }
        defer {
            if hasTermios { tcsetattr(terminal, TCSAFLUSH, &original) }
        }
        _ = Array((prompt + ": ").utf8).withUnsafeBytes { write(terminal, $0.baseAddress, $0.count) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(terminal, &byte, 1) == 1, byte != 10 {
            bytes.append(byte)
        }
        _ = write(terminal, "\n", 1)
        return String(decoding: bytes, as: UTF8.self)
    }
}
