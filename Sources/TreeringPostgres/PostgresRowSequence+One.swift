import PostgresNIO

extension PostgresRowSequence {
    /// The first row's first column, or nil without a row. Reads every row:
    /// the connection goes on to its next statement.
    func first<Value: PostgresDecodable>(_ type: Value.Type) async throws -> Value? {
        var first: Value?
        for try await value in decode(Value.self) where first == nil { first = value }
        return first
    }

    /// Every row's first column.
    func all<Value: PostgresDecodable>(_ type: Value.Type) async throws -> [Value] {
        var values: [Value] = []
        for try await value in decode(Value.self) { values.append(value) }
        return values
    }

    /// The first row's first column, which must be there.
    func one<Value: PostgresDecodable>(_ type: Value.Type) async throws -> Value {
        guard let value = try await first(type) else { throw PostgresStoreError.noRow }
        return value
    }
}

extension PostgresRowSequence {
    /// The first row's columns, or nil without a row.
    func firstRow<each Column: PostgresDecodable>(_ types: (repeat each Column).Type) async throws -> (repeat each Column)? {
        var first: (repeat each Column)?
        for try await row in decode(types) where first == nil { first = row }
        return first
    }
}
