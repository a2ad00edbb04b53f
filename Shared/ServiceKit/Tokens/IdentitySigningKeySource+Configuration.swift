import TillitContracts
import TillitRPC

extension IdentitySigningKeySource {
    /// A source asking Identity at its configured address (`configuration.peers[.identity]`)
    /// over mutual TLS: this service presents its own certificate and names itself in
    /// `x-calling-service`, and Identity's certificate must chain to the configured CA and name
    /// `identity`, so no other server's keys are ever trusted. Plaintext only when this service
    /// runs with `TILLIT_TLS=off`. Close the returned client when done.
    public static func connecting(configuration: ServiceConfiguration) throws -> (
        source: IdentitySigningKeySource, rpc: RPCClient
    ) {
        let rpc = try configuration.makePeerClient(.identity)
        var metadata = Metadata()
        metadata.add(Caller.callingServiceKey, configuration.service.rawValue)
        let source = IdentitySigningKeySource(
            client: Tillit_Identity_V1_Identity.Client(rpc), callOptions: CallOptions(metadata: metadata))
        return (source, rpc)
    }
}
