import Foundation
import TreeringStore

/// People signed in from the browser: a random cookie token per sign-in,
/// naming the key it was made with. Kept in memory (a restart signs everyone
/// out); a revoked key's sign-ins stop working at once, since every request
/// checks the key against the ring again.
final class SignInSessions: @unchecked Sendable {
    static let cookie = "treering_session"
    private let lock = NSLock()
    private var sessions: [String: (keyID: Int64, expires: Double)] = [:]
    let lifetimeSeconds: Double

    init(lifetimeSeconds: Double = 12 * 3_600) {
        self.lifetimeSeconds = lifetimeSeconds
    }

    /// A new session for `key`; its token goes in the cookie.
    func start(key: APIKey, now: Double = Date().timeIntervalSince1970) -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        lock.withLock {
            sessions = sessions.filter { $0.value.expires > now }
            sessions[token] = (key.id, now + lifetimeSeconds)
        }
        return token
    }

    /// The key id a live session was made with.
    func keyID(token: String, now: Double = Date().timeIntervalSince1970) -> Int64? {
        lock.withLock {
            guard let session = sessions[token], session.expires > now else { return nil }
            return session.keyID
        }
    }

    func end(token: String) {
        lock.withLock { _ = sessions.removeValue(forKey: token) }
    }
}
