import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The throttle bucket of a source address: an IPv4 address on its own, an IPv6 address by its
/// /64 prefix (one subscriber usually holds a whole /64, so per-address limits would be
/// trivial to sidestep). IPv4-mapped IPv6 addresses count as their IPv4 address; anything that
/// does not parse is its own bucket, as text.
enum SourceBucket {
    /// The bucket key of `address` (the host part of the peer, without port or brackets).
    static func key(_ address: String) -> String {
        let host = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return host }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return "other:\(address.prefix(100))" }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }
}
