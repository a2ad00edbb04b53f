import Foundation

/// A bar chart of supervision against direct-contact hours per period, drawn as a PNG: two bars
/// per period (supervision, direct contact), a grid of whole hours labelled on the left, the
/// period's start (`MM-DD`) under each pair, and a legend.
struct HoursChart: Sendable {
    /// One period.
    struct Bar: Sendable, Equatable {
        /// Under the bars, e.g. `03-01`.
        var label: String
        var supervisionMinutes: UInt64
        var directContactMinutes: UInt64
    }

    /// The periods, left to right.
    var bars: [Bar]

    /// Palette indices.
    enum Ink: UInt8 {
        case paper = 0, text, grid, supervision, directContact
    }

    static let palette: [PNGImage.Colour] = [
        .init(0xFFFFFF), .init(0x222222), .init(0xDDDDDD), .init(0x2A9D8F), .init(0xE76F51),
    ]

    private static let groupWidth = 50
    private static let barWidth = 17
    private static let left = 64
    private static let right = 24
    private static let top = 48
    private static let bottom = 40
    private static let plotHeight = 300
    private static let scale = 2

    /// The hours between grid lines: 1, 2, 5, 10, 20, 50, … so that there are at most 8 lines.
    static func step(forMaxHours hours: Double) -> Int {
        var decade = 1
        while true {
            for multiple in [1, 2, 5] where Double(multiple * decade) * 8 >= hours {
                return multiple * decade
            }
            decade *= 10
        }
    }

    /// The chart as an image.
    func image() -> PNGImage {
        let width = Self.left + max(1, bars.count) * Self.groupWidth + Self.right
        let height = Self.top + Self.plotHeight + Self.bottom
        var image = PNGImage(width: max(width, 360), height: height, palette: Self.palette)
        let maxMinutes = bars.map { max($0.supervisionMinutes, $0.directContactMinutes) }.max() ?? 0
        let step = Self.step(forMaxHours: Double(maxMinutes) / 60)
        let lines = max(1, Int((Double(maxMinutes) / 60 / Double(step)).rounded(.up)))
        let topHours = Double(lines * step)
        let baseline = Self.top + Self.plotHeight
        func y(_ minutes: UInt64) -> Int {
            baseline - Int((Double(minutes) / 60 / topHours * Double(Self.plotHeight)).rounded())
        }
        // Grid and its labels.
        for line in 0...lines {
            let hours = UInt64(line * step)
            let row = y(hours * 60)
            image.fill(
                x: Self.left, y: row, width: image.width - Self.left - Self.right, height: 1,
                colour: line == 0 ? Ink.text.rawValue : Ink.grid.rawValue)
            let label = "\(hours)H"
            draw(label, x: Self.left - 8 - textWidth(label), y: row - 5, into: &image)
        }
        image.fill(
            x: Self.left, y: Self.top, width: 1, height: Self.plotHeight + 1, colour: Ink.text.rawValue)
        // Bars and labels.
        for (index, bar) in bars.enumerated() {
            let x = Self.left + index * Self.groupWidth + (Self.groupWidth - 2 * Self.barWidth) / 2
            let supervisionTop = y(bar.supervisionMinutes)
            image.fill(
                x: x, y: supervisionTop, width: Self.barWidth, height: baseline - supervisionTop,
                colour: Ink.supervision.rawValue)
            let directTop = y(bar.directContactMinutes)
            image.fill(
                x: x + Self.barWidth, y: directTop, width: Self.barWidth, height: baseline - directTop,
                colour: Ink.directContact.rawValue)
            let label = String(bar.label.prefix(5))
            draw(label, x: x + Self.barWidth - textWidth(label) / 2, y: baseline + 10, into: &image)
        }
        // Legend.
        image.fill(x: Self.left, y: 16, width: 12, height: 12, colour: Ink.supervision.rawValue)
        draw("SUPERVISION", x: Self.left + 18, y: 17, into: &image)
        let second = Self.left + 18 + textWidth("SUPERVISION") + 24
        image.fill(x: second, y: 16, width: 12, height: 12, colour: Ink.directContact.rawValue)
        draw("DIRECT CONTACT", x: second + 18, y: 17, into: &image)
        return image
    }

    /// The PNG file.
    func png() -> Data {
        image().encoded()
    }

    // MARK: Text

    /// 3×5 glyphs, one string of 15 bits (rows top to bottom) per character.
    private static let glyphs: [Character: String] = [
        "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
        "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
        "8": "111101111101111", "9": "111101111001111", "-": "000000111000000", " ": "000000000000000",
        "A": "010101111101101", "C": "111100100100111", "D": "110101101101110", "E": "111100111100111",
        "H": "101101111101101", "I": "111010010010111", "N": "110101101101101", "O": "111101101101111",
        "P": "111101111100100", "R": "110101110101101", "S": "111100111001111", "T": "111010010010010",
        "U": "101101101101111", "V": "101101101101010",
    ]

    private func textWidth(_ text: String) -> Int {
        text.count * 4 * Self.scale - Self.scale
    }

    private func draw(_ text: String, x: Int, y: Int, into image: inout PNGImage) {
        for (index, character) in text.uppercased().enumerated() {
            guard let glyph = Self.glyphs[character] else { continue }
            for (bit, value) in glyph.enumerated() where value == "1" {
                image.fill(
                    x: x + index * 4 * Self.scale + bit % 3 * Self.scale, y: y + bit / 3 * Self.scale,
                    width: Self.scale, height: Self.scale, colour: Ink.text.rawValue)
            }
        }
    }
}
