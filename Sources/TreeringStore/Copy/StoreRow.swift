/// One row, its values in the order of `StoreTable.columns`.
public typealias StoreRow = [StoreValue]
