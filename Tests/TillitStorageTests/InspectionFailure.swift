/// A reader thread failed while inspecting connections.
struct InspectionFailure: Error, CustomStringConvertible {
    var description: String
}
