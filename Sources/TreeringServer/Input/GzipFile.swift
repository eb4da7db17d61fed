import TreeringCore

/// A gzip file read by the CLI (`treering import profile.pb.gz`), inflated
/// with the same code and limit as a gzip request body.
public enum GzipFile {
    public struct InflateError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func inflate(_ bytes: [UInt8], limits: IngestLimits) throws -> [UInt8] {
        do {
            return try BodyReader(limits: limits).inflate(bytes)
        } catch let error as APIError {
            throw InflateError(description: error.message.replacingOccurrences(of: "body:", with: "gzip:"))
        }
    }
}
