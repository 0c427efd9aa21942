import FoundationEssentials
import Testing

@testable import MetaKernel

@Suite("MetaData JSON without Codable")
struct MetaDataJSONTests {
    static let awkwardNames: [String] = [
        "plain", "with/slash", #"quote" and \backslash"#, "tab\tnew\nline\r", "\u{0}\u{1}\u{1F}\u{7F}",
        "\u{8}\u{C}", "é", "e\u{301}", "\u{212B}", "😀 emoji", "日本語", "\u{2028}\u{2029}", "<>&'",
    ]

    static func sample() -> MetaData {
        var data = MetaData()
        _ = data.apply(.createMetaNode(httpAddress: "h/1:8091", tcpAddress: "h\"1:8089", rand: .max), term: 7, index: 1)
        _ = data.apply(.createMetaNode(httpAddress: "é:8091", tcpAddress: "é:8089", rand: 1), term: 7, index: 2)
        for (offset, name) in awkwardNames.enumerated() {
            _ = data.apply(.createDatabase(name: name), term: 8, index: UInt64(3 + offset))
        }
        data.dataNodes = [NodeInfo(id: 9, httpAddress: "d:8086", tcpAddress: "d:8088")]
        return data
    }

    @Test("the bytes equal JSONEncoder's with sorted keys, with and without escaped slashes", arguments: [true, false])
    func sameBytes(escapingSlashes: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        for data in [MetaData(), Self.sample()] {
            let expected = Array(try encoder.encode(data))
            let written = MetaDataJSON.encode(data, escapingSlashes: escapingSlashes)
            #expect(
                written == expected,
                "\(String(decoding: written, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))"
            )
            #expect(try JSONDecoder().decode(MetaData.self, from: Data(written)) == data)
        }
    }
}
