/// The databases of a ``MetaData``, in the order they were put in (apply keeps it by name):
/// a random-access collection stored as chunks of at most ``chunkCapacity`` records.
///
/// A flat array made every create shift half the records (a follower's Raft loop spent 12 % of
/// its time in `memmove` with 30,000 databases), and a reader's copy of the metadata made the
/// next create copy all of them. Here a create shifts at most one chunk, and copy-on-write
/// copies one chunk and the chunk table.
public struct DatabaseList: Sendable, Equatable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The most records a chunk holds; a full chunk is split in two.
    static let chunkCapacity = 256

    private var chunks: [[DatabaseInfo]] = []
    /// The position of each chunk's first record.
    private var starts: [Int] = []

    /// The number of records: where the last chunk starts, plus its records.
    public var count: Int {
        guard let last = chunks.last else { return 0 }
        return starts[starts.count - 1] + last.count
    }

    /// An empty list.
    public init() {}

    /// The records of `array`, in its order.
    public init(_ array: [DatabaseInfo]) {
        var position = 0
        while position < array.count {
            let end = Swift.min(position + Self.chunkCapacity / 2, array.count)
            starts.append(position)
            chunks.append(Array(array[position..<end]))
            position = end
        }
    }

    /// The records listed, in their order.
    public init(arrayLiteral elements: DatabaseInfo...) {
        self.init(elements)
    }

    /// 0.
    public var startIndex: Int { 0 }
    /// ``count``.
    public var endIndex: Int { count }

    /// The record at `position`: a binary search of the chunk table.
    public subscript(position: Int) -> DatabaseInfo {
        precondition(position >= 0 && position < count, "DatabaseList index out of range")
        let chunk = chunk(containing: position)
        return chunks[chunk][position - starts[chunk]]
    }

    /// Inserts `record` at `position` (0...count).
    public mutating func insert(_ record: DatabaseInfo, at position: Int) {
        precondition(position >= 0 && position <= count, "DatabaseList index out of range")
        guard !chunks.isEmpty else {
            chunks = [[record]]
            starts = [0]
            return
        }
        let chunk = position == count ? chunks.count - 1 : self.chunk(containing: position)
        chunks[chunk].insert(record, at: position - starts[chunk])
        for later in (chunk + 1)..<starts.count { starts[later] += 1 }
        if chunks[chunk].count > Self.chunkCapacity {
            let half = chunks[chunk].count / 2
            let tail = Array(chunks[chunk][half...])
            chunks[chunk].removeSubrange(half...)
            chunks.insert(tail, at: chunk + 1)
            starts.insert(starts[chunk] + half, at: chunk + 1)
        }
    }

    /// Runs `body` on the record at `position` in place: only that record's chunk is copied
    /// when a reader shares it, and nothing is when none does.
    public mutating func modify<Result>(at position: Int, _ body: (inout DatabaseInfo) throws -> Result) rethrows
        -> Result
    {
        precondition(position >= 0 && position < count, "DatabaseList index out of range")
        let chunk = chunk(containing: position)
        return try body(&chunks[chunk][position - starts[chunk]])
    }

    /// Removes the record at `position`.
    @discardableResult
    public mutating func remove(at position: Int) -> DatabaseInfo {
        precondition(position >= 0 && position < count, "DatabaseList index out of range")
        let chunk = chunk(containing: position)
        let record = chunks[chunk].remove(at: position - starts[chunk])
        for later in (chunk + 1)..<starts.count { starts[later] -= 1 }
        if chunks[chunk].isEmpty {
            chunks.remove(at: chunk)
            starts.remove(at: chunk)
        }
        return record
    }

    /// An iterator that walks the chunks without searching.
    public func makeIterator() -> Iterator {
        Iterator(chunks: chunks)
    }

    /// Walks the chunks in order.
    public struct Iterator: IteratorProtocol {
        private let chunks: [[DatabaseInfo]]
        private var chunk = 0
        private var offset = 0

        fileprivate init(chunks: [[DatabaseInfo]]) {
            self.chunks = chunks
        }

        /// The next record, or `nil` at the end.
        public mutating func next() -> DatabaseInfo? {
            while chunk < chunks.count {
                if offset < chunks[chunk].count {
                    defer { offset += 1 }
                    return chunks[chunk][offset]
                }
                chunk += 1
                offset = 0
            }
            return nil
        }
    }

    /// The same records in the same order, however they are chunked.
    public static func == (lhs: DatabaseList, rhs: DatabaseList) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }

    /// The chunk holding `position` (0..<count): the last chunk starting at or before it.
    private func chunk(containing position: Int) -> Int {
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if starts[middle] <= position { low = middle } else { high = middle }
        }
        return low
    }
}

/// Encoded as a plain array.
extension DatabaseList: Codable {
    /// Reads a plain array.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([DatabaseInfo].self))
    }

    /// Writes a plain array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Array(self))
    }
}
