extension MetaData {
    /// Replaces the metadata with `backup`'s (`set-data`, from `influxd-ctl restore`).
    ///
    /// Kept: the cluster id and the meta nodes (the live cluster's own Raft membership, which a
    /// backup from another time or cluster must not rewrite). Replaced: data nodes, databases
    /// (policies, shard groups, shards, queries, subscriptions), users and roles. Leases are
    /// dropped (holders take them again; new tokens are later indexes, so tokens still only
    /// grow). Ids never go backwards: `maxNodeID`, `maxShardGroupID`, `maxShardID` and
    /// `leaseClock` become the larger of the two. Returns why nothing changed, or `nil`.
    mutating func restore(_ backup: MetaData) -> String? {
        guard backup.databasesAreSorted else {
            return "backup's databases are not in strictly increasing name order; the backup is damaged"
        }
        let metaIDs = Set(metaNodes.map(\.id))
        if let clash = backup.dataNodes.first(where: { metaIDs.contains($0.id) }) {
            return
                "backup's data node \(clash.id) (\(clash.tcpAddress)) has the id of this cluster's meta node \(clash.id); restore this backup on a cluster whose meta node ids differ from its data node ids"
        }
        dataNodes = backup.dataNodes
        databases = backup.databases
        users = backup.users
        roles = backup.roles
        leases = []
        leaseClock = Swift.max(leaseClock, backup.leaseClock)
        maxNodeID = Swift.max(maxNodeID, backup.maxNodeID)
        maxShardGroupID = Swift.max(maxShardGroupID, backup.maxShardGroupID)
        maxShardID = Swift.max(maxShardID, backup.maxShardID)
        return nil
    }
}
