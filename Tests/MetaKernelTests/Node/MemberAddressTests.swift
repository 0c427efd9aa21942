import Foundation
import StaticHosts
import TestSupport
import Testing

@testable import MetaKernel

@Suite("Member address checks")
struct MemberAddressTests {
    func discovery() throws -> StaticHostsDiscovery {
        let dir = try makeTemporaryDirectory()
        try "127.0.0.1 localhost\n127.0.1.1 devbox\n192.0.2.11 meta-a\n192.0.2.12 meta-b\n"
            .write(toFile: "\(dir)/hosts", atomically: true, encoding: .utf8)
        return StaticHostsDiscovery(configuration: .init(hostsFile: "\(dir)/hosts"))
    }

    @Test(
        "localhost and addresses without a port are refused",
        arguments: ["localhost:8091", "LOCALHOST:8091", "meta-a", ":8091", "meta-a:0"]
    )
    func refused(text: String) {
        #expect(throws: MetaNodeError.self) { _ = try MemberAddress.parse(text, option: "join") }
    }

    @Test("a loopback newcomer is refused when the members are not on loopback, and the reverse")
    func loopbackMix() async throws {
        let hosts = try discovery()
        await #expect {
            try await MemberAddress.checkLoopback(
                try HostPort(parsing: "devbox:8091"),
                members: ["meta-a:8091"],
                discovery: hosts
            )
        } throws: { error in
            (error as? MetaNodeError)?.message.hasPrefix(
                "refusing devbox:8091: devbox:8091 is a loopback address while other members are not"
            ) == true
        }
        await #expect {
            try await MemberAddress.checkLoopback(
                try HostPort(parsing: "meta-b:8091"),
                members: ["127.0.0.1:8091"],
                discovery: hosts
            )
        } throws: { error in
            (error as? MetaNodeError)?.message.contains("127.0.0.1:8091 is on loopback") == true
        }
    }

    @Test("all-loopback and all-routable clusters are allowed")
    func sameKind() async throws {
        let hosts = try discovery()
        try await MemberAddress.checkLoopback(
            try HostPort(parsing: "127.0.0.1:9001"),
            members: ["127.0.0.1:8091"],
            discovery: hosts
        )
        try await MemberAddress.checkLoopback(
            try HostPort(parsing: "meta-b:8091"),
            members: ["meta-a:8091"],
            discovery: hosts
        )
    }

    @Test("a name discovery cannot resolve names the plugin and its file")
    func unresolvable() async throws {
        let hosts = try discovery()
        await #expect {
            try await MemberAddress.checkLoopback(try HostPort(parsing: "meta-z:8091"), members: [], discovery: hosts)
        } throws: { error in
            let message = (error as? MetaNodeError)?.message ?? ""
            return message.contains("cannot resolve \"meta-z\"") && message.contains("[discovery: static hosts (")
        }
    }
}
