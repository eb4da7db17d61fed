import Foundation
import TreeringCore

/// The upload times the server keeps: an upload retention would remove at
/// its next pass, or one from too far in the future, is refused with a 400
/// rather than answered 201 and deleted (or kept forever ahead of every query).
struct IngestWindow: Sendable {
    var retentionSeconds: Double
    var maxClockSkewSeconds: Double

    func check(_ metadata: ProfileMetadata, now: Double = Date().timeIntervalSince1970) throws(InputError) {
        let oldest = now - retentionSeconds
        guard metadata.start >= oldest else {
            throw InputError.invalid(
                "start",
                "\(Self.text(metadata.start)) is older than the server's retention of \(DurationText.describe(retentionSeconds)) "
                    + "(uploads must start at or after \(Self.text(oldest.rounded(.up)))): it would be removed at once, so it was not stored"
            )
        }
        let newest = now + maxClockSkewSeconds
        guard metadata.start <= newest else {
            throw InputError.invalid(
                "start",
                "\(Self.text(metadata.start)) is more than \(DurationText.describe(maxClockSkewSeconds)) ahead of the server's clock "
                    + "(\(Self.text(now.rounded(.down)))); check the agent's clock")
        }
    }

    static func text(_ t: Double) -> String { AppQueryParameters.number(t) }
}
