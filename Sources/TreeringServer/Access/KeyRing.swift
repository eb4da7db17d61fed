import Foundation
import TreeringStore

/// The keys the server checks requests against, reloaded from the database
/// every couple of seconds (`KeyRingService`), so `treering keys create` and
/// `revoke`, run beside a live server, take effect within seconds.
final class KeyRing: @unchecked Sendable {
    private let lock = NSLock()
    private var credentials: [KeyCredential]
    private var used: Set<Int64> = []

    init(_ credentials: [KeyCredential]) {
        self.credentials = credentials
    }

    /// No key exists: the server is open (only allowed on a loopback address, or with --open).
    var isOpen: Bool { lock.withLock { credentials.isEmpty } }

    func replace(_ credentials: [KeyCredential]) {
        lock.withLock { self.credentials = credentials }
    }

    /// The key whose secret this is. Every stored hash is compared, each in
    /// constant time, so the answer's timing says nothing about the secret.
    func key(secret: String) -> APIKey? {
        let hash = KeySecret.hash(secret)
        return lock.withLock {
            var found: APIKey?
            for credential in credentials where KeySecret.equal(credential.secretHash, hash) { found = credential.key }
            if let found { used.insert(found.id) }
            return found
        }
    }

    /// The active key with this id (a signed-in browser's), nil once revoked.
    func key(id: Int64) -> APIKey? {
        lock.withLock {
            guard let key = credentials.first(where: { $0.key.id == id })?.key else { return nil }
            used.insert(id)
            return key
        }
    }

    /// Ids of the keys used since the last call.
    func takeUsed() -> [Int64] {
        lock.withLock {
            defer { used.removeAll() }
            return used.sorted()
        }
    }
}
