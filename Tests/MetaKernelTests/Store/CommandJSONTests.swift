import FoundationEssentials
import Testing

@testable import MetaKernel

@Suite("Commands and log entries without Codable")
struct CommandJSONTests {
    static let commands: [MetaCommand] =
        MetaDataJSONTests.awkwardNames.flatMap { name in
            [MetaCommand.createDatabase(name: name), .dropDatabase(name: name)]
        } + [
            .createMetaNode(httpAddress: "h/1:8091", tcpAddress: "h\"1:8089", rand: .max),
            .createMetaNode(httpAddress: "é:8091", tcpAddress: "\u{1}:8089", rand: 0),
            .deleteMetaNode(id: 0), .deleteMetaNode(id: 12_345_678_901),
        ]

    @Test(
        "a command's bytes equal JSONEncoder's with sorted keys, with and without escaped slashes",
        arguments: [true, false]
    )
    func commandBytes(escapingSlashes: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        for command in Self.commands {
            let written = command.json(escapingSlashes: escapingSlashes)
            #expect(written == Array(try encoder.encode(command)), "\(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test("an entry's bytes equal JSONEncoder's, and the fast reader reads them back")
    func entryRoundTrip() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (offset, command) in Self.commands.enumerated() {
            let entry = LogEntry(term: UInt64(offset) * 1_000_003, command: command)
            let bytes = entry.encoded()
            #expect(bytes == Array(try encoder.encode(entry)))
            let members = bytes.withUnsafeBytes { FlatJSONReader.object(in: $0) }
            #expect(members.flatMap(LogEntry.init(members:)) == entry, "fast path missed \(command)")
            #expect(try LogEntry.decode(bytes + [0, 0, 0]) == entry)
        }
    }

    /// Bodies `POST /execute` may get. For each, the fast reader and JSONDecoder must agree:
    /// the same command, or both refuse.
    static let bodies: [String] = [
        #"{"type":"create-database","name":"db0"}"#,
        #" { "name" : "db0" , "type" : "create-database" } "#,
        "{\n\t\"type\":\"drop-database\",\r\n\"name\":\"x\"}",
        #"{"type":"create-database","name":"db0","extra":"ignored","n":5,"o":{"k":"v"}}"#,
        #"{"type":"create-database","name":"q\"b\\s\/n\nt\tu\u00e9\u00E9 \ud83d\ude00"}"#,
        #"{"type":"create-database","name":"lone \ud800"}"#,
        #"{"type":"create-database","name":"lone \udc00"}"#,
        #"{"type":"create-database","name":"bad \x"}"#,
        #"{"type":"create-database","name":"bad \u12"}"#,
        "{\"type\":\"create-database\",\"name\":\"raw\u{1}control\"}",
        #"{"type":"create-database","name":5}"#,
        #"{"type":"create-database","name":null}"#,
        #"{"type":"create-database"}"#,
        #"{"type":"create-database","name":"a","name":"b"}"#,
        #"{"type":"nope","name":"a"}"#,
        #"{"name":"a"}"#,
        #"{"type":"delete-meta-node","id":7}"#,
        #"{"type":"delete-meta-node","id":"7"}"#,
        #"{"type":"delete-meta-node","id":7.0}"#,
        #"{"type":"delete-meta-node","id":7e0}"#,
        #"{"type":"delete-meta-node","id":-7}"#,
        #"{"type":"delete-meta-node","id":07}"#,
        #"{"type":"delete-meta-node","id":18446744073709551615}"#,
        #"{"type":"delete-meta-node","id":18446744073709551616}"#,
        #"{"type":"create-meta-node","httpAddr":"a:8091","tcpAddr":"a:8089","rand":42}"#,
        #"{"type":"create-meta-node","httpAddr":"a:8091","tcpAddr":"a:8089"}"#,
        #"{"type":"create-database","name":"db0"} trailing"#,
        #"{"type":"create-database","name":"db0""#,
        #"{"type":"create-database","name":"db0",}"#,
        #"[{"type":"create-database","name":"db0"}]"#,
        "", "{}", "\u{FEFF}{\"type\":\"create-database\",\"name\":\"bom\"}",
    ]

    @Test("the fast reader and JSONDecoder agree on every body", arguments: bodies)
    func agrees(body: String) throws {
        let bytes = Array(body.utf8)
        let expected = try? JSONDecoder().decode(MetaCommand.self, from: Data(bytes))
        let decoded = try? bytes.withUnsafeBytes { try MetaCommand.decodeJSON($0) }
        #expect(decoded == expected)
        let fast = bytes.withUnsafeBytes { FlatJSONReader.object(in: $0, maximumDepth: 1) }.flatMap(
            MetaCommand.init(members:)
        )
        if let fast { #expect(fast == expected, "the fast reader read what JSONDecoder reads otherwise") }
    }

    @Test("the usual bodies take the fast path")
    func fastPath() {
        for body in [0, 1, 2, 4, 16, 22, 24].map({ Self.bodies[$0] }) {
            let read = Array(body.utf8).withUnsafeBytes { FlatJSONReader.object(in: $0, maximumDepth: 1) }
            #expect(read.flatMap(MetaCommand.init(members:)) != nil, "\(body)")
        }
    }

    @Test("invalid UTF-8 is refused as JSONDecoder refuses it")
    func invalidUTF8() {
        let bytes = Array(#"{"type":"create-database","name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(bytes.withUnsafeBytes { FlatJSONReader.object(in: $0) } == nil)
        #expect((try? bytes.withUnsafeBytes { try MetaCommand.decodeJSON($0) }) == nil)
    }

    @Test("an unknown type still gets JSONDecoder's message naming the types")
    func unknownTypeMessage() {
        let bytes = Array(#"{"type":"create-db","name":"a"}"#.utf8)
        #expect {
            try bytes.withUnsafeBytes { try MetaCommand.decodeJSON($0) }
        } throws: { error in
            DecodingErrorText.describe(error).contains("create-database")
        }
    }

    @Test("the reply to a write equals JSONEncoder's")
    func replyBytes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for reply in [
            ExecuteReply(index: 0, error: nil), ExecuteReply(index: .max, error: nil),
            ExecuteReply(index: 9, error: "database \"a/b\" has \"quotes\"\\ and a\ttab"),
        ] {
            #expect(reply.json == Array(try encoder.encode(reply)))
        }
    }
}
