/// Copied rows this store cannot take as they are.
enum CopyRowsError: Error, CustomStringConvertible {
    case wrongWidth(table: String)
    case treeWithoutProfile

    var description: String {
        switch self {
        case .wrongWidth(let table): "\(table): a copied row has not the table's number of columns"
        case .treeWithoutProfile: "profile_tree: a copied tree's profile is not in the store; copy profiles first"
        }
    }
}
