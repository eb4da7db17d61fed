/// The labels of a group of samples: the thread that was sampled and the
/// sample's own tags (the request type goes in `transaction`).
/// Together with the app they name a series.
public struct SampleLabels: Hashable, Sendable, Codable {
    public var thread: String?
    /// Sorted by key, so equal label sets compare and hash equal.
    public private(set) var tags: [Tag]

    public struct Tag: Hashable, Sendable, Codable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(thread: String? = nil, tags: [String: String] = [:]) {
        self.thread = thread
        self.tags = tags.map { Tag(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    public static let none = SampleLabels()

    public var tagDictionary: [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
