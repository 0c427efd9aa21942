import Foundation
import Testing

@testable import MetaKernel

@Suite("Announcements held in memory")
struct AnnouncementsTests {
    let second: Int64 = 1_000_000_000

    func announcement(_ tcp: String, at time: Int64, version: String = "v1") -> Announcement {
        Announcement(tcpAddr: tcp, httpAddr: "h:8086", time: time, version: version)
    }

    @Test("an entry lives announcement-expiration from its own time, however often copies arrive")
    func expiry() {
        let table = Announcements(expiration: .seconds(30))
        let start: Int64 = 1_000 * second
        #expect(table.record(announcement("d:8088", at: start), now: start))
        // A copy coming back by gossip later changes nothing and does not refresh the entry.
        #expect(!table.record(announcement("d:8088", at: start), now: start + 20 * second))
        #expect(table.latest(nodeType: "data", tcpAddr: "d:8088", now: start + 30 * second) != nil)
        #expect(table.latest(nodeType: "data", tcpAddr: "d:8088", now: start + 31 * second) == nil)
        #expect(table.current(now: start + 31 * second).isEmpty)
        // An announcement already expired on arrival is not taken.
        #expect(!table.record(announcement("d:8088", at: start), now: start + 40 * second))
    }

    @Test("the newer announcement of a node wins; data and meta nodes are kept apart")
    func newerWins() {
        let table = Announcements(expiration: .seconds(30))
        let now: Int64 = 5_000 * second
        table.record(announcement("d:8088", at: now - 2 * second, version: "v2"), now: now)
        #expect(!table.record(announcement("d:8088", at: now - 5 * second, version: "v1"), now: now))
        #expect(table.latest(nodeType: "data", tcpAddr: "d:8088", now: now)?.version == "v2")
        var meta = announcement("d:8088", at: now, version: "m")
        meta.nodeType = "meta"
        table.record(meta, now: now)
        #expect(table.latest(nodeType: "data", tcpAddr: "d:8088", now: now)?.version == "v2")
        #expect(table.current(now: now).count == 2)
        table.forget(nodeType: "data", tcpAddr: "d:8088")
        #expect(table.current(now: now).map(\.nodeType) == ["meta"])
    }

    @Test("a missing time is stamped now; a time in the future counts as now")
    func stamping() {
        let table = Announcements(expiration: .seconds(30))
        let now: Int64 = 9_000 * second
        table.record(announcement("a:8088", at: 0), now: now)
        table.record(announcement("b:8088", at: now + 3_600 * second), now: now)
        #expect(table.current(now: now).map(\.time) == [now, now])
        #expect(table.current(now: now + 31 * second).isEmpty)
    }

    @Test("time decodes from Unix nanoseconds or RFC 3339, and is optional")
    func decoding() throws {
        func decode(_ json: String) throws -> Announcement {
            try JSONDecoder().decode(Announcement.self, from: Data(json.utf8))
        }
        #expect(try decode(#"{"tcpAddr":"d:8088","time":1700000000123456789}"#).time == 1_700_000_000_123_456_789)
        let go = try decode(#"{"tcpAddr":"d:8088","time":"2023-11-14T22:13:20.5Z","nodeType":"data"}"#)
        #expect(go.time == 1_700_000_000_500_000_000)
        let bare = try decode(#"{"tcpAddr":"d:8088"}"#)
        #expect(bare.time == 0 && bare.version == "unknown" && bare.status == "joined" && bare.nodeType == "data")
        #expect(throws: DecodingError.self) { try decode(#"{"tcpAddr":"d:8088","time":"yesterday"}"#) }
        #expect(Announcement(tcpAddr: "nohost", httpAddr: "").problem?.hasPrefix("tcpAddr:") == true)
        #expect(Announcement(tcpAddr: "d:8088", httpAddr: "", nodeType: "x").problem?.hasPrefix("nodeType:") == true)
    }

    @Test("form fields: query and body, percent and plus decoding, flags")
    func parameters() throws {
        let parsed = DataNodeRoutes.Parameters.parse("addr=data%2D1%3A8088&passive=true&note=a+b&empty")
        #expect(parsed == ["addr": "data-1:8088", "passive": "true", "note": "a b", "empty": ""])
        let fields = DataNodeRoutes.Parameters(parsed)
        #expect(try fields.address("addr").description == "data-1:8088")
        #expect(try fields.flag("passive"))
        #expect(try !fields.flag("force"))
        #expect(throws: DataNodeRoutes.Refusal.self) { try fields.address("missing") }
        #expect(throws: DataNodeRoutes.Refusal.self) { try fields.flag("note") }
        #expect(throws: DataNodeRoutes.Refusal.self) {
            try DataNodeRoutes.Parameters(["addr": ":8088"]).address("addr")
        }
    }

    @Test("show-cluster data entries accept addr for httpAddr and default what is missing")
    func showClusterDecoding() throws {
        let json = #"{"data":[{"id":4,"tcpAddr":"h:8088","addr":"h:8086"}],"meta":[]}"#
        let decoded = try JSONDecoder().decode(ShowCluster.self, from: Data(json.utf8))
        #expect(decoded.data == [ShowCluster.Data(id: 4, tcpAddr: "h:8088", httpAddr: "h:8086")])
        let encoded = String(decoding: try JSONEncoder().encode(decoded.data[0]), as: UTF8.self)
        #expect(encoded.contains(#""httpAddr":"h:8086""#) && !encoded.contains(#""addr""#))
    }
}
