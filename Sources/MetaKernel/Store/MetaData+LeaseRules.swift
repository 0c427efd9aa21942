/// A refused `acquire-lease`: why, and the lease as its holder has it.
struct LeaseRefusal: Error, Equatable {
    var message: String
    var lease: LeaseInfo?
}

extension MetaData {
    /// The lease called `name`, if any.
    public func lease(named name: String) -> LeaseInfo? {
        leasePosition(of: name).found.map { leases[$0] }
    }

    /// Grants lease `name` to `nodeID` until `now + duration` when nobody holds it, its holder's
    /// time ran out, or `nodeID` already holds it (a renewal).
    ///
    /// `now` counts as the later of itself and ``leaseClock`` (the latest `now` applied), so a
    /// leader whose clock is behind the previous one's cannot grant a lease that has not lapsed.
    /// A new holder's fencing token is `index`, the entry's Raft index, so tokens only grow;
    /// a renewal keeps its token.
    mutating func acquireLease(
        name: String,
        nodeID: UInt64,
        now: Int64,
        duration: Int64,
        index: UInt64
    ) -> Result<LeaseInfo, LeaseRefusal> {
        if name.isEmpty { return .failure(LeaseRefusal(message: "lease name must not be empty")) }
        if nodeID == 0 { return .failure(LeaseRefusal(message: "lease node id must not be 0")) }
        if duration <= 0 { return .failure(LeaseRefusal(message: "lease duration must be positive")) }
        leaseClock = max(leaseClock, now)
        let now = leaseClock
        let (expiration, overflow) = now.addingReportingOverflow(duration)
        let until = overflow ? Int64.max : expiration
        let (insertion, found) = leasePosition(of: name)
        guard let position = found else {
            let lease = LeaseInfo(name: name, owner: nodeID, expiration: until, token: index)
            leases.insert(lease, at: insertion)
            return .success(lease)
        }
        let current = leases[position]
        if current.owner != nodeID && current.expiration > now {
            return .failure(LeaseRefusal(message: "another node has the lease", lease: current))
        }
        let token = current.owner == nodeID ? current.token : index
        leases[position] = LeaseInfo(name: name, owner: nodeID, expiration: until, token: token)
        return .success(leases[position])
    }

    /// Gives lease `name` up when `nodeID` holds it; otherwise changes nothing. The next holder
    /// takes a new token.
    mutating func releaseLease(name: String, nodeID: UInt64) {
        if let position = leasePosition(of: name).found, leases[position].owner == nodeID {
            leases.remove(at: position)
        }
    }

    /// Where lease `name` is (`found`), or would be inserted (`position`), in ``leases``.
    private func leasePosition(of name: String) -> (position: Int, found: Int?) {
        let position = leases.firstIndex { !$0.name.utf8.lexicographicallyPrecedes(name.utf8) } ?? leases.count
        let found = position < leases.count && leases[position].name.utf8.elementsEqual(name.utf8)
        return (position, found ? position : nil)
    }
}
