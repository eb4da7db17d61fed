import Testing
import TreeringCore

@testable import TreeringSQLite
@testable import TreeringStore

@Suite struct FrameIDCacheTests {
    /// Frame names an agent never repeats (a generated name per request)
    /// must not grow the cache without end.
    @Test func holdsNoMoreThanItsLimitAndForgetsAnAppFirst() {
        let cache = FrameIDCache(limit: 100)
        let steady = (0..<40).map { (frame: Frame(name: "view_\($0)", file: "app.py", line: $0), id: Int32($0)) }
        cache.remember(app: 1, steady)
        for batch in 0..<50 {
            let fresh = (0..<30).map {
                (frame: Frame(name: "gen_\(batch)_\($0)", file: "gen.py", line: 1), id: Int32(1_000 + batch * 30 + $0))
            }
            cache.remember(app: 2, fresh)
            #expect(cache.count <= 100)
        }
        // App 2's churn made room by forgetting app 2's own frames, not app 1's.
        #expect(cache.lookupAll(app: 1, steady.map(\.frame)) == steady.map(\.id))
        #expect(cache.lookupAll(app: 2, [Frame(name: "gen_0_0", file: "gen.py", line: 1)]) == nil)
    }
}
