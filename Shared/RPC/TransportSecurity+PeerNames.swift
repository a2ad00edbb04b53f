import NIOCore
import NIOSSL
import X509

extension TransportSecurity {
    /// The DNS names (subject alternative names) of the certificate the peer on `pipeline`
    /// presented and this side verified; empty for plaintext, for a peer without a certificate,
    /// and when peer certificates are not verified. Call on the channel's event loop, after the
    /// handshake.
    func verifiedPeerNames(on pipeline: ChannelPipeline) -> [String] {
        guard context != nil, verifiesPeerCertificates,
            let handler = try? pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
            let leaf = handler.peerCertificate
        else { return [] }
        return Self.dnsNames(of: leaf)
    }

    /// The DNS subject alternative names of `certificate`.
    static func dnsNames(of certificate: NIOSSLCertificate) -> [String] {
        guard let der = try? certificate.toDERBytes(),
            let parsed = try? Certificate(derEncoded: der),
            let names = try? parsed.extensions.subjectAlternativeNames
        else { return [] }
        return names.compactMap { name in
            if case .dnsName(let dns) = name { return dns }
            return nil
        }
    }
}
