import FoundationEssentials
import Logging
import ServiceLifecycle
import Synchronization

/// Forms a cluster, or joins the one it finds, on a fresh node with `[discovery] bootstrap-expect`.
///
/// Each round lists the peers discovery knows, reads each one's `/status` and takes the step
/// ``BootstrapStep/decide(selfAddress:expect:peers:)`` gives. Rounds back off from
/// `initialDelay` to `maximumDelay` with jitter, and start fast again when what the node sees
/// changes. The service ends its work once the node is in a cluster's Raft configuration,
/// however it got there; it also runs on a node that was handed an identity but stopped before
/// its leader added it to Raft, to have it added again.
struct Bootstrapper: Service {
    struct Configuration: Sendable {
        /// `[discovery] bootstrap-expect`.
        var expect: Int
        /// The first wait between rounds.
        var initialDelay: Duration = .milliseconds(100)
        /// The longest wait between rounds.
        var maximumDelay: Duration = .seconds(2)
        /// How long one peer's `/status` or vote may take.
        var probeTimeout: Duration = .seconds(1)
    }

    let node: MetaNode
    let configuration: Configuration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { [self] in await rounds() }
        if !Task.isCancelled && !Task.isShuttingDownGracefully { try? await gracefulShutdown() }
    }

    private func rounds() async {
        var delay = configuration.initialDelay
        var journal = Journal(logger: logger)
        while !Task.isCancelled, await !node.isInConfiguration() {
            let step: BootstrapStep
            do {
                step = BootstrapStep.decide(
                    selfAddress: node.httpAddress,
                    expect: configuration.expect,
                    peers: try await peers(),
                    ownCluster: node.raftIdentity.withLock { $0?.clusterID }
                )
            } catch {
                journal.problem("peer discovery: \(error.message); retrying")
                step = .wait("waiting for peer discovery")
            }
            if journal.step(step) { delay = configuration.initialDelay }
            await take(step, journal: &journal)
            guard await !node.isInConfiguration() else { break }
            try? await Task.sleep(for: delay * Double.random(in: 0.8...1.2))
            delay = min(delay * 3 / 2, configuration.maximumDelay)
        }
        if node.raft != nil { node.ballot.clear() }
    }

    /// The meta nodes among discovery's peers, as their `/status` describes them (this node left out).
    private func peers() async throws(DiscoveryError) -> [PeerView] {
        let entries = try await node.plugins.discovery.knownPeers()
        let ownPort = (try? HostPort(parsing: node.httpAddress))?.port ?? 8091
        let addresses = entries.map { entry in
            if (try? HostPort(parsing: entry)) != nil { return entry }
            return HostPort(host: entry, port: ownPort).description
        }
        let client = client(timeout: configuration.probeTimeout)
        let me = node.httpAddress.lowercased()
        return await withTaskGroup(of: PeerView?.self) { group in
            for address in addresses {
                group.addTask {
                    guard let reply = try? await client.get(address, "/status"), reply.status == 200,
                        let status = try? reply.decode(ClusterStatus.self), status.nodeType == "meta",
                        status.httpAddress.lowercased() != me
                    else { return nil }
                    return PeerView(
                        httpAddress: status.httpAddress,
                        clusterID: status.peers == nil ? nil : (status.clusterID ?? 0),
                        leader: status.leader,
                        bootstrapExpect: status.bootstrapExpect
                    )
                }
            }
            var views: [PeerView] = []
            for await view in group { if let view { views.append(view) } }
            return views
        }
    }

    private func take(_ step: BootstrapStep, journal: inout Journal) async {
        switch step {
        case .wait, .refuse:
            return
        case .join(let clusterID, let through):
            let body = Array((try? JSONEncoder().encode(JoinRequest(addr: node.httpAddress))) ?? Data())
            for address in through.prefix(3) {
                // The leader adds us and hands us our identity before it answers.
                let reply = try? await client(timeout: .seconds(15)).post(address, "/join", json: body)
                if reply?.status == 200 { return }
                let reason = reply.map { $0.errorMessage ?? "HTTP \($0.status)" } ?? "no answer"
                journal.problem("joining cluster \(clusterID) through \(address): \(reason); retrying")
            }
        case .bootstrap(let voters):
            await stand(voters: voters, journal: &journal)
        }
    }

    /// Asks `voters` for their votes; bootstraps with `bootstrap-expect` of them (its own
    /// included) within half a vote lease and adds the voters, or gives back what it got.
    private func stand(voters: [String], journal: inout Journal) async {
        let me = node.httpAddress
        do {
            try node.ballot.grant(to: me, lease: MetaNode.bootstrapVoteLease)
        } catch {
            journal.problem("not bootstrapping: this node \(error.message)")
            return
        }
        let started = ContinuousClock.now
        let request = BootstrapVoteRequest(candidate: me, expect: configuration.expect)
        let body = Array((try? JSONEncoder().encode(request)) ?? Data())
        let client = client(timeout: configuration.probeTimeout)
        let answers = await withTaskGroup(of: (String, String?).self) { group in
            for voter in voters {
                group.addTask {
                    guard let reply = try? await client.post(voter, "/bootstrap-vote", json: body) else {
                        return (voter, "no answer")
                    }
                    return (voter, reply.status == 200 ? nil : reply.errorMessage ?? "HTTP \(reply.status)")
                }
            }
            var answers: [(String, String?)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        let granted = answers.filter { $0.1 == nil }.map(\.0)
        if granted.count + 1 >= configuration.expect && ContinuousClock.now - started < MetaNode.bootstrapVoteLease / 2
        {
            logger.info(
                "bootstrapping the cluster as \(me), with the votes of \(granted.sorted().joined(separator: ", "))"
            )
            do {
                _ = try await node.join(JoinRequest(addr: me))
                // Adds its voters one after the other, as an operator would, rather than have
                // them ask at their next rounds and collide; a voter not added here asks itself.
                for voter in granted.sorted() {
                    do {
                        _ = try await node.join(JoinRequest(addr: voter))
                    } catch {
                        journal.problem("adding \(voter) to the new cluster: \(error.message); it will ask itself")
                    }
                }
                return
            } catch {
                journal.problem("bootstrapping failed: \(error.message); retrying")
            }
        } else {
            let refusals = answers.compactMap { voter, reason in reason.map { "\(voter): \($0)" } }
            journal.problem(
                "not bootstrapping yet: \(granted.count + 1) of \(configuration.expect) votes (\(refusals.joined(separator: "; ")))"
            )
        }
        node.ballot.release(from: me)
        for voter in granted { _ = try? await client.post(voter, "/bootstrap-release", json: body) }
    }

    /// A peer client carrying a node token when `internal-shared-secret` is set: votes and joins
    /// are node-only routes, and `/status` needs credentials under `auth-enabled`.
    private func client(timeout: Duration) -> MetaClient {
        node.makePeerClient(timeout: timeout)
    }
}

extension Bootstrapper {
    /// Logs each step and each problem once, when it differs from the last one.
    struct Journal {
        let logger: Logger
        private var lastStep: String?
        private var problems: Set<String> = []

        init(logger: Logger) { self.logger = logger }

        /// Logs `step` if it changed; returns whether it did.
        mutating func step(_ step: BootstrapStep) -> Bool {
            let line: String
            switch step {
            case .wait(let text): line = text
            case .refuse(let text): line = text
            case .join(let id, let through):
                line = "joining cluster \(id) (members: \(through.sorted().joined(separator: ", ")))"
            case .bootstrap(let voters):
                line = "standing to bootstrap the cluster; asking \(voters.joined(separator: ", "))"
            }
            guard line != lastStep else { return false }
            lastStep = line
            problems = []
            if case .refuse = step { logger.warning("\(line)") } else { logger.info("\(line)") }
            return true
        }

        /// Logs `line` as a warning, once until the step changes.
        mutating func problem(_ line: String) {
            guard problems.insert(line).inserted else { return }
            logger.warning("\(line)")
        }
    }
}
