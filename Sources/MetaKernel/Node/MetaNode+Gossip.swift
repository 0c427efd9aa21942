import FoundationEssentials
import Logging

extension MetaNode {
    /// Every `[meta] gossip-frequency`: records this node's own announcement (so every meta node
    /// learns the others' versions) and sends every live announcement to each other meta node
    /// with `POST /gossip`. A peer that does not answer is tried again at the next round.
    func gossipAnnouncements() async {
        let period = configuration.config.meta.gossipFrequency.duration
        let client = makePeerClient(timeout: min(max(period, .seconds(1)), .seconds(5)))
        let logger = logger
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            guard !Task.isCancelled else { return }
            announceSelf()
            guard raft != nil else { continue }
            let peers = store.current.metaNodes.map(\.httpAddress).filter { $0 != httpAddress }
            guard !peers.isEmpty else { continue }
            let body = (try? JSONEncoder().encode(announcements.current())).map(Array.init) ?? []
            await withTaskGroup(of: Void.self) { group in
                for peer in peers {
                    group.addTask {
                        do throws(MetaClientError) {
                            let reply = try await client.post(peer, "/gossip", json: body)
                            if reply.status != 204 {
                                logger.debug(
                                    "gossip to \(peer) answered \(reply.status): \(reply.errorMessage ?? reply.text)"
                                )
                            }
                        } catch {
                            logger.debug("gossip to \(peer) failed: \(error.message)")
                        }
                    }
                }
            }
        }
    }

    /// Records this node's own announcement as a meta node.
    func announceSelf() {
        announcements.record(
            Announcement(
                tcpAddr: raftAddress,
                httpAddr: httpAddress,
                httpScheme: plugins.transport.scheme,
                time: Announcements.wallClock(),
                nodeType: "meta",
                status: "joined",
                version: MetaBuild.version
            )
        )
    }
}
