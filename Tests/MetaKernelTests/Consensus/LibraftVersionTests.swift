import Testing

@testable import MetaKernel

@Suite("the libraft version fence")
struct LibraftVersionTests {
    @Test(
        "each libraft release is told apart by what it exports and does",
        arguments: [
            (LibraftVersion(number: nil, exportsHeapGet: false, fillsAsyncWork: false), "0.14.0 or older"),
            (LibraftVersion(number: nil, exportsHeapGet: false, fillsAsyncWork: true), "0.15.0"),
            (LibraftVersion(number: nil, exportsHeapGet: true, fillsAsyncWork: true), "0.16.0"),
            (LibraftVersion(number: 11701, exportsHeapGet: true, fillsAsyncWork: true), "1.17.1"),
            (LibraftVersion(number: 1801, exportsHeapGet: true, fillsAsyncWork: true), "0.18.1"),
        ]
    )
    func release(version: LibraftVersion, expected: String) {
        #expect(version.release == expected)
    }

    @Test("only 0.15.0 passes; any other release is refused in one line that says what to install")
    func check() throws {
        try LibraftVersion(number: nil, exportsHeapGet: false, fillsAsyncWork: true).check(library: "libraft.so.2")
        let refused = [
            LibraftVersion(number: nil, exportsHeapGet: false, fillsAsyncWork: false),
            LibraftVersion(number: nil, exportsHeapGet: true, fillsAsyncWork: true),
            LibraftVersion(number: 1700, exportsHeapGet: true, fillsAsyncWork: true),
            LibraftVersion(number: 1801, exportsHeapGet: true, fillsAsyncWork: true),
        ]
        for version in refused.prefix(3) {
            #expect(throws: LibraftVersionError.self) { try version.check(library: "libraft.so.2") }
        }
        let error = #expect(throws: LibraftVersionError.self) {
            try refused[3].check(library: "/usr/lib/libraft.so.3")
        }
        #expect(
            error?.description
                == "libraft 0.18.1 (/usr/lib/libraft.so.3) is not a version this build was tested with (tested: 0.15.0); install libraft2 0.15.0 (Debian 12's libraft2 and libraft-dev), or port Sources/MetaKernel/Consensus/LibraftInternals.swift to it and rebuild"
        )
    }

    @Test("the libraft this test runs with is Debian 12's 0.15.0, and start-up accepts it")
    func loaded() throws {
        let loaded = LibraftVersion.loaded
        #expect(loaded.version == LibraftVersion(number: nil, exportsHeapGet: false, fillsAsyncWork: true))
        #expect(loaded.library.hasSuffix("libraft.so.2"), "\(loaded.library)")
        try RaftNode.checkLibraft()
    }
}
