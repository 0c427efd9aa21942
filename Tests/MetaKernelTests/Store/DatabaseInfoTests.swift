import Testing

@testable import MetaKernel

@Suite("Database names")
struct DatabaseInfoTests {
    @Test("a name is refused for control characters exactly when Unicode calls the character a control (Cc)")
    func controlCharacters() {
        var disagreements: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let refused = DatabaseInfo.problem(withName: "db\(Character(scalar))") != nil
            if refused != (scalar.properties.generalCategory == .control) { disagreements.append(value) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10).map { String($0, radix: 16) })")
    }

    @Test("empty and over-long names are refused; the longest allowed and non-ASCII names are fine")
    func lengths() {
        #expect(DatabaseInfo.problem(withName: "") == "database name must not be empty")
        #expect(DatabaseInfo.problem(withName: String(repeating: "a", count: 255)) == nil)
        #expect(
            DatabaseInfo.problem(withName: String(repeating: "a", count: 256))
                == "database name is longer than 255 bytes"
        )
        #expect(DatabaseInfo.problem(withName: "métriques/été") == nil)
        #expect(DatabaseInfo.problem(withName: "tab\there") == "database name must not contain control characters")
    }
}
