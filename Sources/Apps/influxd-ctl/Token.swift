import AppSupport
import ArgumentParser
import FoundationEssentials
import MetaKernel

extension InfluxdCtl {
    /// `influxd-ctl -auth-type jwt -secret S [-user U] token [-exp 1m]`: prints an HS256 token
    /// for `Authorization: Bearer`, as Enterprise's does.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a signed JWT token")

        @Option(name: .go("exp"), help: "How long the token is valid, in Go syntax (default 1m0s).")
        var expiry = "1m0s"

        func run() async throws {
            let flags = GlobalFlags.current
            guard flags.authType == .jwt, let secret = flags.secret else {
                Ctl.fail("token", "tokens can only be created when using bearer authentication")
            }
            let lifetime: Duration
            do {
                lifetime = try GoDuration(parsing: expiry).duration
            } catch {
                Ctl.fail("token", "-exp: invalid duration \"\(expiry)\" (use Go syntax such as \"1m0s\" or \"1h\")")
            }
            guard lifetime > .zero else { Ctl.fail("token", "-exp: must be positive") }
            guard let makeAuthenticator = BuiltInPlugins.catalog().messageAuthenticator else {
                Ctl.fail("token", "this build has no HMAC-SHA256 to sign tokens with")
            }
            let expires = UInt64(max(Date().timeIntervalSince1970, 0)) + UInt64(lifetime.components.seconds)
            print(
                JSONWebToken.hs256(
                    username: flags.user ?? "",
                    expires: expires,
                    secret: Array(secret.utf8),
                    authenticator: makeAuthenticator()
                )
            )
        }
    }
}
