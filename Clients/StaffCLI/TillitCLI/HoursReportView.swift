import Foundation
import TillitContracts

/// An hours report as `tillit supervision hours report` prints it: supervision beside direct
/// contact per period, in the practice's zone.
struct HoursReportView: Codable, Sendable {
    /// One period (or the total).
    struct Period: Codable, Sendable {
        var start: String
        var end: String
        var supervisionMinutes: UInt64
        var byCategory: [String: UInt64]
        var directContactMinutes: UInt64
        var ratio: Double
        var verified: Bool

        init(_ period: Tillit_Supervision_V1_ReportPeriod) {
            start = CivilDates.text(period.start) ?? "-"
            end = CivilDates.text(period.end) ?? "-"
            supervisionMinutes = period.supervisionMinutes
            byCategory = Dictionary(
                period.byCategory.map { ($0.category, $0.minutes) }, uniquingKeysWith: +)
            directContactMinutes = period.directContactMinutes
            ratio = period.ratio
            verified = period.verified
        }
    }

    var superviseeId: String
    var timeZone: String
    var periods: [Period]
    var total: Period

    /// The view of `response` for `supervisee`.
    init(supervisee: String, _ response: Tillit_Supervision_V1_HoursReportResponse) {
        superviseeId = supervisee
        timeZone = response.timeZone
        periods = response.periods.map(Period.init)
        total = Period(response.total)
    }

    /// Every category that has minutes, in name order.
    var categories: [String] {
        Set(periods.flatMap(\.byCategory.keys) + total.byCategory.keys).sorted()
    }

    /// `90` minutes as `1:30`.
    static func hours(_ minutes: UInt64) -> String {
        String(format: "%llu:%02llu", minutes / 60, minutes % 60)
    }

    /// A ratio as a percentage (`4.2 %`), `-` without direct contact.
    static func percent(_ ratio: Double, direct: UInt64) -> String {
        direct == 0 ? "-" : String(format: "%.1f %%", ratio * 100)
    }

    /// The period table for people (hours as h:mm), with a total row.
    func table(_ names: AccountNames) -> String {
        let categories = self.categories
        func row(_ period: Period, label: String) -> [String] {
            [label, Self.hours(period.supervisionMinutes)]
                + categories.map { Self.hours(period.byCategory[$0] ?? 0) }
                + [
                    Self.hours(period.directContactMinutes),
                    Self.percent(period.ratio, direct: period.directContactMinutes),
                    period.verified ? "verified" : "-",
                ]
        }
        let header =
            ["PERIOD", "SUPERVISION"] + categories.map { $0.uppercased() } + [
                "DIRECT CONTACT", "RATIO", "VERIFIED",
            ]
        let rows =
            periods.map { row($0, label: $0.start == $0.end ? $0.start : "\($0.start) – \($0.end)") }
            + [row(total, label: "total")]
        return "Supervision hours of \(names.account(superviseeId)) (h:mm, \(timeZone))\n"
            + Terminal.table(header: header, rows: rows)
    }

    /// The periods as CSV (RFC 4180): minutes, one column per category, the ratio; no total row.
    var csv: String {
        let categories = self.categories
        func field(_ text: String) -> String {
            text.contains(where: { ",\"\n\r".contains($0) })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [
            (["period_start", "period_end", "supervision_minutes"] + categories.map { "category:\($0)" }
                + ["direct_contact_minutes", "ratio", "verified"]).map(field).joined(separator: ",")
        ]
        for period in periods {
            let cells =
                [period.start, period.end, String(period.supervisionMinutes)]
                + categories.map { String(period.byCategory[$0] ?? 0) }
                + [
                    String(period.directContactMinutes), String(format: "%.6f", period.ratio),
                    period.verified ? "true" : "false",
                ]
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The chart of supervision against direct-contact hours per period.
    var chart: HoursChart {
        HoursChart(
            bars: periods.map {
                HoursChart.Bar(
                    label: String($0.start.dropFirst(5)), supervisionMinutes: $0.supervisionMinutes,
                    directContactMinutes: $0.directContactMinutes)
            })
    }
}
