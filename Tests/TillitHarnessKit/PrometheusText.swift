/// Parses the Prometheus text exposition format (version 0.0.4) strictly enough to catch a
/// malformed line: every non-comment line is `name{label="value",…} number`.
public struct PrometheusText: Sendable {
    /// One sample.
    public struct Sample: Sendable, Hashable {
        /// The metric name, e.g. `tillit_rpc_calls_total` or `…_bucket`.
        public var name: String
        /// The labels.
        public var labels: [String: String]
        /// The value.
        public var value: Double
    }

    /// A line that is not a sample, with its number.
    public struct Malformed: Error, CustomStringConvertible {
        /// The 1-based line number.
        public var line: Int
        /// The line.
        public var text: String
        /// Where it is and what it says.
        public var description: String { "line \(line) is not a sample: \(text.debugDescription)" }
    }

    /// Every sample, in order.
    public var samples: [Sample]
    /// The `# TYPE` of each metric family.
    public var types: [String: String]

    /// Parses `text`; throws `Malformed` at the first bad line.
    public init(_ text: String) throws {
        samples = []
        types = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = String(raw)
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                if parts.count == 4, parts[1] == "TYPE" { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            guard let sample = Self.sample(line) else { throw Malformed(line: index + 1, text: line) }
            samples.append(sample)
        }
    }

    /// The value of the sample named `name` whose labels include `labels`; nil when none.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }?.value
    }

    private static func sample(_ line: String) -> Sample? {
        var rest = Substring(line)
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }),
            !(name.first?.isNumber ?? true)
        else { return nil }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].first == "\""
                else {
                    return nil
                }
                let key = String(rest[..<equals])
                rest = rest[rest.index(equals, offsetBy: 2)...]
                var value = ""
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character == "n" ? "\n" : character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
                labels[key] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { return nil }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count) else { return nil }
        let valueText = String(fields[0])
        let value: Double? =
            switch valueText {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(valueText)
            }
        guard let value else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}
