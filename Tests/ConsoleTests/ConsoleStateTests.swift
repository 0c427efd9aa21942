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

    @Test("a poll that never reached its cluster keeps the nodes the registration API stored while it ran")
    func pollKeepsNewerRegistrations() async throws {
        let state = ConsoleState()
        // What a poll began from: registered, no node has reported its address yet.
        var began = ClusterView(id: "7", firstSeen: Date(timeIntervalSince1970: 0))
        began.metaNodes = [.init(id: 1, host: "meta-1", httpAddress: "", raftAddress: "")]
        await state.update(began)
        // Meanwhile the node's first stats arrive with its address.
        var registered = began
        registered.metaNodes = [.init(id: 1, host: "meta-1", httpAddress: "meta-1:8091", raftAddress: "meta-1:8089")]
        registered.leader = "meta-1:8091"
        await state.update(registered)
        // The poll, which found no address to ask, ends.
        var polled = began
        polled.pollError = "no meta node address known for cluster 7 yet"
        let stored = await state.storePoll(polled)
        #expect(stored.metaNodes.map(\.httpAddress) == ["meta-1:8091"])
        #expect(stored.leader == "meta-1:8091")
        #expect(stored.pollError == polled.pollError)

        // Once a poll has reached the cluster, what it saw is what is stored.
        var answered = registered
        answered.lastPoll = Date()
        answered.metaNodes[0].reachable = false
        answered.leader = nil
        await state.update(answered)
        var later = answered
        later.metaNodes = []
        #expect(await state.storePoll(later).metaNodes.isEmpty)
    }
}
