import Foundation
import Hummingbird

/// The request context of every route: answers are encoded with the
/// project's JSON encoder, so handlers return `Codable` values and their
/// property names become snake_case keys without hand-written `CodingKeys`.
public struct TreeringRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var responseEncoder: JSONEncoder { .treering }
}
