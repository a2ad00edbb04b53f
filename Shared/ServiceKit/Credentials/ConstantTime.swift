/// Comparisons whose running time does not depend on where the inputs differ.
package enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. The lengths are not secret: unequal lengths
    /// return false at once; equal lengths are compared in full.
    @inline(never)
    package static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) {
            difference |= x ^ y
        }
        return difference == 0
    }
}
