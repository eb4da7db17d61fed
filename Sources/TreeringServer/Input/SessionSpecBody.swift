import Foundation
import TreeringCore

/// The JSON body of "start a session",
/// `{"transaction": "...", "requests": 20, "time_limit_s": 600, "interval_ms": 5}`,
/// decoded with `Codable`: a small control body needs none of the upload
/// scanner's speed. Unknown fields are ignored; null or missing ones take
/// the defaults. A value of the wrong type is refused naming its field.
struct SessionSpecBody: Decodable {
    var transaction: String?
    var requests: Double?
    var timeLimitS: Double?
    var intervalMs: Double?

    private enum CodingKeys: String, CodingKey {
        case transaction
        case requests
        case timeLimitS = "time_limit_s"
        case intervalMs = "interval_ms"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ type: T.Type, _ key: CodingKeys, _ expected: String) throws -> T? {
            do {
                return try c.decodeIfPresent(type, forKey: key)
            } catch DecodingError.typeMismatch {
                throw InputError.invalid(key.rawValue, "expected \(expected)")
            }
        }
        transaction = try field(String.self, .transaction, "a string")
        requests = try field(Double.self, .requests, "an integer")
        timeLimitS = try field(Double.self, .timeLimitS, "a number")
        intervalMs = try field(Double.self, .intervalMs, "a number")
    }

    /// The body read and checked against the limits.
    static func spec(_ body: [UInt8], limits: SessionLimits, maxTransactionBytes: Int) throws -> SessionSpec {
        let fields: SessionSpecBody
        do {
            // A plain decoder: the keys are spelt out above.
            fields = try JSONDecoder().decode(SessionSpecBody.self, from: Data(body))
        } catch let error as InputError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw InputError(.malformedJSON, "malformed JSON: expected an object")
        } catch {
            throw InputError(.malformedJSON, "malformed JSON: \(Self.describe(error))")
        }
        var requests: Int64?
        if let n = fields.requests {
            // Checked before converting: Int64(1e300) would trap.
            guard n == n.rounded(), abs(n) <= 1e15 else {
                throw InputError.invalid("requests", "must be an integer from 1 to \(limits.maxRequests) (got \(n))")
            }
            requests = Int64(n)
        }
        return try SessionSpec.validated(
            transaction: fields.transaction, requests: requests, timeLimitSeconds: fields.timeLimitS,
            intervalMs: fields.intervalMs, limits: limits, maxTransactionBytes: maxTransactionBytes)
    }

    private static func describe(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "not a JSON object" }
        return (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
    }
}
