import CompressNIO
import Foundation
import NIOCore
import Synchronization
import TreeringCore

#if canImport(Glibc)
    import Glibc
#endif

/// The day's upload bodies, gzip'd as the agent sends them, generated once
/// before the measurement (on every core) into a file beside its index, and
/// read back with one `pread` per upload, so the clients do no generating
/// while ingest is timed. A file made with the same generator settings is
/// reused.
final class DayBodies: Sendable {
    struct Index: Codable {
        var key: String
        var offsets: [Int]
        var lengths: [Int]
        var jsonBytes: [Int]
        var samples: [Int]
    }

    let index: Index
    let path: String
    private let fd: Int32

    var count: Int { index.offsets.count }
    var totalSamples: Int { index.samples.reduce(0, +) }
    var totalGzipBytes: Int { index.lengths.reduce(0, +) }
    var totalJSONBytes: Int { index.jsonBytes.reduce(0, +) }

    init(path: String, index: Index) throws {
        self.path = path
        self.index = index
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BenchError("cannot open \(path)") }
    }

    deinit { close(fd) }

    /// The gzip'd body of upload `i`.
    func body(_ i: Int) -> ByteBuffer {
        let length = index.lengths[i]
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { raw in
            max(0, pread(fd, raw.baseAddress, length, off_t(index.offsets[i])))
        }
        precondition(read == length, "short read of upload \(i) from \(path)")
        return buffer
    }

    /// The bodies of `generator`'s day at `path`, generated unless a file
    /// with the same settings is there.
    static func load(_ generator: DayGenerator, model: DayGenerator.Model, path: String) throws -> (DayBodies, generated: Double?) {
        let indexPath = path + ".index"
        if let data = FileManager.default.contents(atPath: indexPath),
            let index = try? JSONDecoder().decode(Index.self, from: data), index.key == generator.key,
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size == (index.offsets.last ?? 0) + (index.lengths.last ?? 0)
        {
            return (try DayBodies(path: path, index: index), nil)
        }
        let started = DispatchTime.now().uptimeNanoseconds
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let out = FileHandle(forWritingAtPath: path)
        else { throw BenchError("cannot write \(path)") }
        defer { try? out.close() }
        var index = Index(key: generator.key, offsets: [], lengths: [], jsonBytes: [], samples: [])
        let n = generator.uploadCount
        let batch = 512
        var offset = 0
        var reported = 0
        for first in stride(from: 0, to: n, by: batch) {
            let count = min(batch, n - first)
            let results = Mutex([(gz: [UInt8], json: Int, samples: Int)?](repeating: nil, count: count))
            DispatchQueue.concurrentPerform(iterations: count) { k in
                let upload = generator.upload(first + k, model: model)
                var plain = ByteBuffer(bytes: upload.json)
                // zlib's default level; the Python agent uses gzip.compress (level 9).
                let gz = try! plain.compress(with: .gzip())
                results.withLock { $0[k] = (Array(gz.readableBytesView), upload.json.count, upload.samples) }
            }
            for r in results.withLock({ $0 }) {
                let r = r!
                try out.write(contentsOf: r.gz)
                index.offsets.append(offset)
                index.lengths.append(r.gz.count)
                index.jsonBytes.append(r.json)
                index.samples.append(r.samples)
                offset += r.gz.count
            }
            let done = first + count
            if done * 10 / n > reported || done == n {
                reported = done * 10 / n
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                progress(String(format: "  generated %d/%d uploads (%.0f s)", done, n, elapsed))
            }
        }
        try out.synchronize()
        try JSONEncoder().encode(index).write(to: URL(fileURLWithPath: indexPath))
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return (try DayBodies(path: path, index: index), elapsed)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
