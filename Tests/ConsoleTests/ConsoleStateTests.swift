import Console
import FoundationEssentials
import Testing

@Suite("ConsoleState")
struct ConsoleStateTests {
    @Test("a subscriber hears a changed cluster once, and nothing for an unchanged update")
    func changesAreHeardOnce() async throws {
        let state = ConsoleState()
        let changes = await state.changes()
        var view = ClusterView(id: "7", firstSeen: Date(timeIntervalSince1970: 0))
        await state.update(view)
        await state.update(view)
        view.leader = "meta1:8091"
        await state.update(view)
        var heard: [String] = []
        for await id in changes {
            heard.append(id)
            if heard.count == 2 { break }
        }
        #expect(heard == ["7", "7"])
        #expect(await state.cluster("7")?.leader == "meta1:8091")
    }
}
