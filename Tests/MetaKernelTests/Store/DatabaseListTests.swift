import FoundationEssentials
import Testing

@testable import MetaKernel

@Suite("DatabaseList")
struct DatabaseListTests {
    @Test("inserts and removes at random positions behave as on an array, across chunk splits")
    func matchesArray() {
        var generator = SystemRandomNumberGenerator()
        var list = DatabaseList()
        var model: [DatabaseInfo] = []
        for step in 0..<6000 {
            // Mostly inserts, so that chunks fill and split; removes empty some of them.
            if model.isEmpty || Int.random(in: 0..<10, using: &generator) < 7 {
                let position = Int.random(in: 0...model.count, using: &generator)
                let record = DatabaseInfo(name: "db\(step)")
                list.insert(record, at: position)
                model.insert(record, at: position)
            } else {
                let position = Int.random(in: 0..<model.count, using: &generator)
                #expect(list.remove(at: position) == model.remove(at: position))
            }
        }
        #expect(list.count == model.count)
        #expect(Array(list) == model)
        #expect((0..<model.count).allSatisfy { list[$0] == model[$0] })
        #expect(list == DatabaseList(model))
        while !model.isEmpty {
            let position = Int.random(in: 0..<model.count, using: &generator)
            #expect(list.remove(at: position) == model.remove(at: position))
        }
        #expect(list.isEmpty && Array(list).isEmpty)
        list.insert(DatabaseInfo(name: "again"), at: 0)
        #expect(Array(list) == [DatabaseInfo(name: "again")])
    }

    @Test("a copy is not changed by inserts into the original")
    func copyOnWrite() {
        var list = DatabaseList((0..<1000).map { DatabaseInfo(name: "db\($0)") })
        let copy = list
        list.insert(DatabaseInfo(name: "new"), at: 500)
        _ = list.remove(at: 0)
        #expect(copy.count == 1000 && copy[500].name == "db500" && copy[0].name == "db0")
        #expect(list.count == 1000 && list[499].name == "new")
    }

    @Test("modify changes one record in place; a copy keeps the old record")
    func modify() {
        var list = DatabaseList((0..<600).map { DatabaseInfo(name: "db\($0)") })
        let copy = list
        let result = list.modify(at: 300) { record -> Int in
            record.defaultRetentionPolicy = "rp"
            return 7
        }
        #expect(result == 7)
        #expect(list[300].defaultRetentionPolicy == "rp" && list[299].defaultRetentionPolicy == "")
        #expect(copy[300].defaultRetentionPolicy == "")
    }

    @Test("encodes as a plain JSON array, in order")
    func codable() throws {
        let list: DatabaseList = [DatabaseInfo(name: "b"), DatabaseInfo(name: "a")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(list)
        #expect(
            String(decoding: json, as: UTF8.self)
                == #"[{"continuousQueries":[],"defaultRetentionPolicy":"","name":"b","retentionPolicies":[]},"#
                + #"{"continuousQueries":[],"defaultRetentionPolicy":"","name":"a","retentionPolicies":[]}]"#
        )
        #expect(try JSONDecoder().decode(DatabaseList.self, from: json) == list)
    }
}
