import SwiftProtobuf

/// A Pyroscope push (`push.v1.PushRequest`, what pyroscope-io 1.x sends):
/// series of labels, each with raw pprof profiles.
public struct PyroscopePush: Sendable {
    public struct Series: Sendable {
        public var labels: [String: String]
        public var profiles: [[UInt8]]
    }

    public var series: [Series]

    public init(_ bytes: [UInt8]) throws(InputError) {
        let request: Push_V1_PushRequest
        do {
            request = try Push_V1_PushRequest(serializedBytes: bytes)
        } catch {
            throw InputError(.malformedInput, "body: not a push.v1.PushRequest (\(error))")
        }
        series = request.series.map { s in
            Series(
                labels: Dictionary(s.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
                profiles: s.samples.map { Array($0.rawProfile) })
        }
    }
}
