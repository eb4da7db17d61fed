import TreeringStore

/// Series ids already in the database, per app and label set (canonical
/// JSON), so a steady agent's uploads skip the lookup. A series row is
/// never changed or deleted, so an id once committed is right in every
/// process.
typealias SeriesIDCache = AppScopedIDCache<String, Int64>
