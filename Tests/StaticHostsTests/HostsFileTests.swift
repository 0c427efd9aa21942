import Foundation
import MetaKernel
import StaticHosts
import TestSupport
import Testing

/// The hosts-file syntax of `man 5 hosts`, as glibc's `files` lookup reads it.
@Suite("Hosts file syntax")
struct HostsFileTests {
    @Test("the first line naming a host wins, per address family")
    func firstMatchWins() {
        let file = HostsFile(
            parsing: """
                10.0.0.3   meta3
                fd00::3    meta3
                10.0.0.33  meta3 stale
                fd00::33   meta3
                """
        )
        #expect(file.addresses(of: "meta3") == ["10.0.0.3", "fd00::3"])
        #expect(file.addresses(of: "stale") == ["10.0.0.33"])
    }

    @Test("blanks are any of glibc's isspace; CRLF line ends; # anywhere starts a comment")
    func blanksAndComments() {
        let file = HostsFile(
            parsing: "10.0.0.1\u{0B}meta1\u{0C}one\r\n"
                + "   10.0.0.2 \t meta2#two\n"
                + "  # 10.0.0.9 commented\n"
                + "10.0.0.4#meta4\n"
                + "\n"
        )
        #expect(file.addresses(of: "meta1") == ["10.0.0.1"])
        #expect(file.addresses(of: "one") == ["10.0.0.1"])
        #expect(file.addresses(of: "meta2") == ["10.0.0.2"])
        #expect(file.addresses(of: "two").isEmpty)
        #expect(file.addresses(of: "commented").isEmpty)
        #expect(file.addresses(of: "meta4").isEmpty)
        #expect(file.entries.count == 2)
    }

    @Test("lines without a valid address or without a name are skipped")
    func invalidLines() {
        let file = HostsFile(
            parsing: """
                10.0.0.300  bad1
                10.1        bad2
                fe80::1%    bad3
                meta5       10.0.0.5
                10.0.0.6
                10.0.0.7    good
                """
        )
        #expect(file.entries.map(\.address) == ["10.0.0.7"])
        #expect(file.entries.map(\.names) == [["good"]])
    }

    @Test("IPv6 addresses, scoped ones included")
    func ipv6() {
        let file = HostsFile(
            parsing: """
                ::1                    ip6-localhost
                fe80::1%eth0           meta6
                2001:db8::7            meta7
                ::ffff:192.0.2.8       meta8
                """
        )
        #expect(file.addresses(of: "meta6") == ["fe80::1%eth0"])
        #expect(file.addresses(of: "meta7") == ["2001:db8::7"])
        #expect(file.addresses(of: "meta8") == ["::ffff:192.0.2.8"])
        #expect(file.addresses(of: "ip6-localhost") == ["::1"])
    }

    @Test("a scoped IPv6 literal passes through discovery unchanged")
    func scopedLiteral() async throws {
        let plugin = StaticHostsDiscovery(configuration: .init(hostsFile: "/nonexistent/hosts"))
        #expect(try await plugin.resolve(host: "fe80::1%lo") == ["fe80::1%lo"])
    }

    @Test("an edit of the file takes effect at the next lookup")
    func reread() async throws {
        let dir = try makeTemporaryDirectory()
        let path = "\(dir)/hosts"
        try "127.0.1.3 meta3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let plugin = StaticHostsDiscovery(configuration: .init(hostsFile: path))
        #expect(try await plugin.resolve(host: "meta3") == ["127.0.1.3"])
        // Same size, written in place: a cache keyed on size and a coarse mtime would miss it.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data("127.0.1.4 meta3\n".utf8))
        try handle.close()
        #expect(try await plugin.resolve(host: "meta3") == ["127.0.1.4"])
        try "127.0.1.5 meta3\n127.0.1.6 meta4\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await plugin.resolve(host: "meta3") == ["127.0.1.5"])
        #expect(try await plugin.resolve(host: "meta4") == ["127.0.1.6"])
    }
}
