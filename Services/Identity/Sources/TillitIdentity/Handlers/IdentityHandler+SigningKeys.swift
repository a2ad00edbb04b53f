import Foundation
import TillitContracts
import TillitRPC
import TillitServiceKit

extension IdentityHandler {
    func getSigningKeys(_ request: Tillit_Identity_V1_GetSigningKeysRequest, context: ServerContext)
        async throws
        -> Tillit_Identity_V1_GetSigningKeysResponse
    {
        var response = Tillit_Identity_V1_GetSigningKeysResponse()
        response.keys = keys.publishedKeys().map { published in
            let key = published.verification
            var signingKey = Tillit_Identity_V1_SigningKey()
            signingKey.keyID = key.keyID
            signingKey.algorithm = .ed25519
            signingKey.publicKey = key.publicKey.rawRepresentation
            signingKey.createdAt = WireMapping.timestamp(published.createdAt)
            signingKey.notAfter = WireMapping.timestamp(key.notAfter)
            return signingKey
        }
        return response
    }
}
