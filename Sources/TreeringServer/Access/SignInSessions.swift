import Foundation
import TreeringStore

/// People signed in from the browser: a random cookie token per sign-in,
/// naming the key it was made with. Kept in the store (by the token's hash),
/// so every server process on it honours a sign-in and a restart keeps it;
/// a revoked key's sign-ins stop working at once, since every request
/// checks the key against the ring again. Lookups are cached for a few
/// seconds, so a page and its API calls cost one read.
final class SignInSessions: @unchecked Sendable {
    static let cookie = "treering_session"
    let store: any ProfileStore
    let lifetimeSeconds: Double
    /// How long a looked-up sign-in is trusted without asking the store
    /// again: a sign-out on another process takes effect here within this.
    let cacheSeconds: Double
    private let lock = NSLock()
    private var cache: [String: (keyID: Int64, checked: Double)] = [:]

    init(store: any ProfileStore, lifetimeSeconds: Double = 12 * 3_600, cacheSeconds: Double = 5) {
        self.store = store
        self.lifetimeSeconds = lifetimeSeconds
        self.cacheSeconds = cacheSeconds
    }

    /// A new session for `key`; its token goes in the cookie.
    func start(key: APIKey, now: Double = Date().timeIntervalSince1970) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try await store.startSignIn(tokenHash: KeySecret.hash(token), keyID: key.id, expiresAt: now + lifetimeSeconds, now: now)
        return token
    }

    /// The key id a live session was made with.
    func keyID(token: String, now: Double = Date().timeIntervalSince1970) async throws -> Int64? {
        // Tokens are 64 hex digits: anything else is not one, and costs no read.
        guard token.utf8.count == 64 else { return nil }
        let cached = lock.withLock { () -> Int64? in
            guard let entry = cache[token], now - entry.checked < cacheSeconds else { return nil }
            return entry.keyID
        }
        if let cached { return cached }
        let id = try await store.signInKeyID(tokenHash: KeySecret.hash(token), now: now)
        lock.withLock {
            if cache.count > 10_000 { cache = cache.filter { now - $0.value.checked < cacheSeconds } }
            cache[token] = id.map { ($0, now) }
        }
        return id
    }

    func end(token: String) async throws {
        _ = lock.withLock { cache.removeValue(forKey: token) }
        try await store.endSignIn(tokenHash: KeySecret.hash(token))
    }
}
