import Foundation

/// Output for people: aligned tables, colour only when standard output is a terminal.
enum Terminal {
    /// Whether standard output is a terminal (and NO_COLOR is not set).
    static let colours: Bool =
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    /// Writes a line to standard output at once (no buffering, so a supervisor reading a pipe
    /// sees status lines as they happen).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `text` in green (ok) or red, on a terminal.
    static func colour(_ text: String, ok: Bool) -> String {
        guard colours else { return text }
        return (ok ? "\u{1B}[32m" : "\u{1B}[31m") + text + "\u{1B}[0m"
    }

    /// Columns padded to their widest cell (escape sequences not counted).
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], visibleWidth(cell))
            }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[index] - visibleWidth(cell) + 2)
            }.joined()
        }.joined(separator: "\n")
    }

    private static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if scalar == "m" { inEscape = false }
            } else {
                width += 1
            }
        }
        return width
    }
}
