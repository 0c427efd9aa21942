/// The order RFC 2782 gives SRV records: priority ascending; within one priority, a weighted
/// random draw, zero-weight records first in the list so that they are rarely picked early.
enum SRVOrder {
    /// `records` in the order a client should try them.
    static func ordered(_ records: [DNSRecord], using generator: inout some RandomNumberGenerator) -> [DNSRecord] {
        var ordered: [DNSRecord] = []
        for priority in Set(records.map(\.priority)).sorted() {
            let group = records.filter { $0.priority == priority }
            var remaining = group.filter { $0.weight == 0 } + group.filter { $0.weight != 0 }
            while !remaining.isEmpty {
                let total = remaining.reduce(0) { $0 + Int($1.weight) }
                let draw = Int.random(in: 0...total, using: &generator)
                var running = 0
                let index =
                    remaining.firstIndex {
                        running += Int($0.weight)
                        return running >= draw
                    } ?? remaining.startIndex
                ordered.append(remaining.remove(at: index))
            }
        }
        return ordered
    }
}
