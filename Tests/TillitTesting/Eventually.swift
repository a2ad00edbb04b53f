/// Polls `condition` every `interval` until it is true or `timeout` has passed; returns whether it
/// became true (checked once more at the end).
public func eventually(
    timeout: Duration = .seconds(20), interval: Duration = .milliseconds(20), _ condition: () -> Bool
) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return condition()
}
