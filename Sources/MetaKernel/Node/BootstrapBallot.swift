import FoundationEssentials
import Synchronization

/// The one bootstrap vote a fresh node holds at a time, kept in `bootstrap-vote.json` under
/// `[meta] dir` so that a restart does not free it.
///
/// A candidate bootstraps only with `bootstrap-expect` votes, and each node gives one vote at a
/// time for `lease`: two candidates would need twice `bootstrap-expect` distinct nodes, more
/// than the meta nodes there are when `bootstrap-expect` is more than half of them.
public final class BootstrapBallot: Sendable {
    /// A vote: for whom, until when (seconds since 1970; the file outlives the process).
    struct Vote: Codable, Equatable {
        var candidate: String
        var expires: Double
    }

    /// The file name under `[meta] dir`.
    public static let fileName = "bootstrap-vote.json"

    private let directory: String
    private let vote: Mutex<Vote?>

    /// Reads the vote held in `directory`, if any.
    public init(directory: String) {
        self.directory = directory
        let data = try? Data(contentsOf: URL(fileURLWithPath: Self.path(in: directory)))
        vote = Mutex(data.flatMap { try? JSONDecoder().decode(Vote.self, from: $0) })
    }

    static func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// Gives the vote to `candidate` for `lease` (again, if it holds it already), or says whom it went to.
    /// - Throws: ``MetaNodeError`` (`conflict`) when another candidate holds an unexpired vote, or
    ///   when the vote cannot be written.
    public func grant(to candidate: String, lease: Duration, now: Date = Date()) throws(MetaNodeError) {
        let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        try vote.withLock { (held: inout Vote?) throws(MetaNodeError) in
            let time = now.timeIntervalSince1970
            if let current = held, current.expires > time, current.candidate.lowercased() != candidate.lowercased() {
                throw MetaNodeError(
                    .conflict,
                    "voted for \(current.candidate) to bootstrap the cluster (for \(Int((current.expires - time).rounded(.up))) s more)"
                )
            }
            let next = Vote(candidate: candidate, expires: time + seconds)
            try save(next)
            held = next
        }
    }

    /// Takes back a vote given to `candidate`; a vote for another stays.
    public func release(from candidate: String) {
        vote.withLock { held in
            guard held?.candidate.lowercased() == candidate.lowercased() else { return }
            held = nil
            try? FileManager.default.removeItem(atPath: Self.path(in: directory))
        }
    }

    /// Forgets the vote, once the node belongs to a cluster.
    public func clear() {
        vote.withLock { held in
            held = nil
            try? FileManager.default.removeItem(atPath: Self.path(in: directory))
        }
    }

    private func save(_ vote: Vote) throws(MetaNodeError) {
        let path = Self.path(in: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try JSONEncoder().encode(vote).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MetaNodeError(.badState, "\(path): cannot record the bootstrap vote: \(error)")
        }
    }
}
