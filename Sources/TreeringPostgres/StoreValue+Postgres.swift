import Foundation
import PostgresNIO
import TreeringStore

extension StoreValue {
    /// The value of a cell as `treering copy` carries it: integers of any
    /// width as `.integer`, booleans as 0 or 1 (as SQLite keeps them).
    init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8: self = .integer(try cell.decode(Int64.self))
        case .float4, .float8: self = .real(try cell.decode(Double.self))
        case .bool: self = .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: self = .blob(try cell.decode(Data.self))
        default: self = .text(try cell.decode(String.self))
        }
    }

    /// Binds the value; the statement casts it to its column's type.
    func bind(into binds: inout PostgresBindings) throws {
        switch self {
        case .null: binds.appendNull()
        case .integer(let n): binds.append(n)
        case .real(let x): binds.append(x)
        case .text(let s): binds.append(s)
        case .blob(let d): try binds.append(d)
        }
    }
}
