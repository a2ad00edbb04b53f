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

/// Polls the async `condition` every `interval` until it is true or `timeout` has passed;
/// returns whether it became true (checked once more at the end). For conditions that make a
/// call, e.g. "the other service refuses this token now".
public func eventually(
    timeout: Duration = .seconds(20), interval: Duration = .milliseconds(20),
    _ condition: () async -> Bool
) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return await condition()
}
