/// A key the server checks requests against: the key and its secret's hash.
public struct KeyCredential: Sendable {
    public var key: APIKey
    public var secretHash: [UInt8]

    public init(key: APIKey, secretHash: [UInt8]) {
        self.key = key
        self.secretHash = secretHash
    }
}
