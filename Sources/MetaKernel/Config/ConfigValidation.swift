import FoundationEssentials

/// One validation finding: its text and the keys involved (to tell the user where those values came from).
struct ConfigProblem {
    /// ``ConfigError/Code/invalidValue`` or ``ConfigError/Code/invalidConfiguration``.
    var code: ConfigError.Code
    /// One line such as `[meta] dir must be specified`.
    var message: String
    /// The `MetaConfig` key paths of the keys involved.
    var keys: [AnyKeyPath]
}

extension MetaConfig {
    /// Checks every key's own constraints and the rules between keys, as ``ConfigLoader`` does after loading.
    ///
    /// Use it after changing a loaded configuration in code (for example from command-line flags).
    /// - Throws: ``ConfigError`` for the first problem, such as `[meta] dir must be specified`.
    public func validate() throws(ConfigError) {
        if let problem = problems().first {
            throw ConfigError(problem.code, problem.message)
        }
    }

    /// Empty (meaning `localhost`), a DNS name (letters, digits, `-`, `_`, `.`), or an IP address.
    static func isHostName(_ name: String) -> Bool {
        if name.isEmpty { return true }
        guard name.utf8.count <= 253 else { return false }
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                || $0 == "_" || $0 == "." || $0 == ":"
        }
        return allowed && !name.hasPrefix("-") && !name.hasPrefix(".")
    }

    /// A DNS name: labels of letters, digits, `-` and `_` separated by single dots, one trailing dot allowed.
    static func isDNSName(_ name: String) -> Bool {
        let labels = (name.hasSuffix(".") ? String(name.dropLast()) : name).split(
            separator: ".",
            omittingEmptySubsequences: false
        )
        guard name.utf8.count <= 254, !labels.isEmpty else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-")
                && label.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                        || $0 == "_"
                }
        }
    }

    /// Every problem, in a fixed order: per-key constraints first, then the rules between keys.
    func problems() -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        for key in ConfigKey.all {
            if let problem = key.check(key.read(self)) {
                found.append(
                    ConfigProblem(code: .invalidValue, message: "\(key.qualifiedName): \(problem)", keys: [key.path])
                )
            }
        }
        func require(_ condition: Bool, _ message: String, _ keys: AnyKeyPath...) {
            if !condition {
                found.append(ConfigProblem(code: .invalidConfiguration, message: message, keys: keys))
            }
        }
        let secretAdvice = "(set the same secret on every meta and data node)"

        require(!meta.dir.isEmpty, "[meta] dir must be specified", \MetaConfig.meta.dir)
        require(
            Self.isHostName(hostname),
            "hostname: invalid host name \(ConfigText.quoted(hostname)) (use the name the other nodes resolve, such as"
                + " \"enterprise-meta-01\", or an IP address)",
            \MetaConfig.hostname
        )
        require(
            meta.electionTimeout.duration >= meta.heartbeatTimeout.duration,
            "[meta] election-timeout (\(meta.electionTimeout)) must not be shorter than heartbeat-timeout"
                + " (\(meta.heartbeatTimeout))",
            \MetaConfig.meta.electionTimeout,
            \MetaConfig.meta.heartbeatTimeout
        )
        require(
            meta.leaderLeaseTimeout.duration <= meta.heartbeatTimeout.duration,
            "[meta] leader-lease-timeout (\(meta.leaderLeaseTimeout)) must not be longer than heartbeat-timeout"
                + " (\(meta.heartbeatTimeout))",
            \MetaConfig.meta.leaderLeaseTimeout,
            \MetaConfig.meta.heartbeatTimeout
        )
        require(
            !meta.httpsEnabled || !meta.httpsCertificate.isEmpty,
            "[meta] https-enabled requires https-certificate (a PEM certificate, or a bundle with the key)",
            \MetaConfig.meta.httpsEnabled,
            \MetaConfig.meta.httpsCertificate
        )
        require(
            meta.httpsEnabled || meta.httpsClientCA.isEmpty,
            "[meta] https-client-ca requires https-enabled = true (client certificates are a TLS feature)",
            \MetaConfig.meta.httpsClientCA,
            \MetaConfig.meta.httpsEnabled
        )
        require(
            meta.httpsEnabled || meta.raftClientCA.isEmpty,
            "[meta] raft-client-ca requires https-enabled = true (client certificates are a TLS feature)",
            \MetaConfig.meta.raftClientCA,
            \MetaConfig.meta.httpsEnabled
        )
        require(
            !meta.authEnabled || !meta.internalSharedSecret.isEmpty,
            "[meta] auth-enabled requires internal-shared-secret \(secretAdvice)",
            \MetaConfig.meta.authEnabled,
            \MetaConfig.meta.internalSharedSecret
        )
        require(
            !meta.raftPortalAuthRequired || !meta.internalSharedSecret.isEmpty,
            "[meta] raft-portal-auth-required requires internal-shared-secret \(secretAdvice)",
            \MetaConfig.meta.raftPortalAuthRequired,
            \MetaConfig.meta.internalSharedSecret
        )
        require(
            !meta.raftDialerAuthRequired || !meta.internalSharedSecret.isEmpty,
            "[meta] raft-dialer-auth-required requires internal-shared-secret \(secretAdvice)",
            \MetaConfig.meta.raftDialerAuthRequired,
            \MetaConfig.meta.internalSharedSecret
        )
        require(
            enterprise.licenseKey.isEmpty || enterprise.licensePath.isEmpty,
            "[enterprise] license-key and license-path are both set; set only one of them",
            \MetaConfig.enterprise.licenseKey,
            \MetaConfig.enterprise.licensePath
        )
        require(
            enterprise.licenseKey.isEmpty || Self.isFullURL(enterprise.licenseServerURL),
            "[enterprise] license-server-url: \(ConfigText.quoted(enterprise.licenseServerURL)) is not a full URL"
                + " and license-key is set; use the form \"https://host/api/v1/licenses\"",
            \MetaConfig.enterprise.licenseServerURL,
            \MetaConfig.enterprise.licenseKey
        )
        require(
            !enterprise.registrationServerURL.unicodeScalars.contains {
                $0 == " " || $0.properties.generalCategory == .control
            },
            "[enterprise] registration-server-url: \(ConfigText.quoted(enterprise.registrationServerURL)) holds a space"
                + " or control character, which no URL does; use the form \"http://host:3000\"",
            \MetaConfig.enterprise.registrationServerURL
        )
        require(
            !enterprise.registrationEnabled || Self.isFullURL(enterprise.registrationServerURL),
            "[enterprise] registration-server-url: \(ConfigText.quoted(enterprise.registrationServerURL)) is not a"
                + " full URL; use the form \"http://host:3000\"",
            \MetaConfig.enterprise.registrationEnabled,
            \MetaConfig.enterprise.registrationServerURL
        )
        if let minimum = tls.minVersion, let maximum = tls.maxVersion {
            require(
                minimum <= maximum,
                "[tls] min-version \"\(minimum.rawValue)\" is newer than max-version \"\(maximum.rawValue)\"",
                \MetaConfig.tls.minVersion,
                \MetaConfig.tls.maxVersion
            )
        }
        require(
            discovery.mode != .hosts || !discovery.hostsFile.isEmpty,
            "[discovery] hosts-file must be specified when mode is \"hosts\"",
            \MetaConfig.discovery.mode,
            \MetaConfig.discovery.hostsFile
        )
        return found
    }

    /// Whether `text` is an absolute `http` or `https` URL with a host.
    private static func isFullURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
