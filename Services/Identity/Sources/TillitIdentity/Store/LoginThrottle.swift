import Foundation

/// The throttle subjects one password login counts against.
struct LoginThrottle: Sendable {
    /// The account, by organisation and e-mail (known or not).
    var account: IdentityStore.ThrottleSubject
    /// The source address.
    var address: IdentityStore.ThrottleSubject
    /// The e-mail at an organisation id that may not exist.
    var unknownOrganization: IdentityStore.ThrottleSubject

    /// The subjects of a login of `email` at `organization` from `address`.
    init(organization: String, email: String, address: String) {
        account = .account(organization: organization, email: email)
        self.address = .address(address)
        unknownOrganization = .unknownOrganization(organization: organization, email: email)
    }
}
