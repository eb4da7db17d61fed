import Foundation
import TreeringCore

extension TreeMerger {
    /// Adds a stored tree straight from the row's bytes, without copying them.
    package mutating func add(_ blob: Data) throws {
        try blob.withUnsafeBytes { raw in try add(raw.bindMemory(to: UInt8.self)) }
    }
}
