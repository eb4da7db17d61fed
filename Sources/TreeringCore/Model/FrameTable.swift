/// Frames interned to dense integer ids, so that call trees compare integers,
/// never strings.
public struct FrameTable: Sendable {
    public private(set) var frames: [Frame] = []
    private var ids: [Frame: Int32] = [:]

    public init() {}

    public init(_ frames: [Frame]) {
        for frame in frames { _ = intern(frame) }
    }

    public var count: Int { frames.count }

    public mutating func reserveCapacity(_ n: Int) {
        frames.reserveCapacity(n)
        ids.reserveCapacity(n)
    }

    public subscript(id: Int32) -> Frame { frames[Int(id)] }

    /// The id of `frame`, adding it when it is new.
    @discardableResult
    public mutating func intern(_ frame: Frame) -> Int32 {
        if let id = ids[frame] { return id }
        let id = Int32(frames.count)
        frames.append(frame)
        ids[frame] = id
        return id
    }

    public func id(of frame: Frame) -> Int32? { ids[frame] }
}
