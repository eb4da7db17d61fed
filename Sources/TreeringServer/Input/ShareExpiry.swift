import Foundation
import Hummingbird
import TreeringCore

/// `expires_in=7d` on a share request: when the link stops working, or nil
/// when it does not expire. Shared queries and shared comparisons take it.
enum ShareExpiry {
    static func parse(_ parameters: Parameters, now: Double = Date().timeIntervalSince1970) throws(InputError) -> Double? {
        guard let text = parameters.get("expires_in") else { return nil }
        guard let seconds = DurationText.seconds(text), seconds >= 60, seconds <= 10 * 365 * 86_400 else {
            throw InputError.invalid(
                "expires_in", "must be a duration from 1m to 3650d, such as 12h or 7d (got \"\(text.prefix(40))\")")
        }
        return now + seconds
    }
}
