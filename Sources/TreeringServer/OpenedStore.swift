import ServiceLifecycle
import TreeringStore

/// A store ready for use, and the background services its backend needs
/// beside the server (SQLite's checkpointer; none for PostgreSQL).
public struct OpenedStore: Sendable {
    public var store: any ProfileStore
    public var services: [any Service]
}
