/// Copied rows this store cannot take as they are.
enum CopyRowsError: Error, CustomStringConvertible {
    /// A tree row came before its profile: its partition key is the profile's start.
    case treeWithoutProfile

    var description: String {
        switch self {
        case .treeWithoutProfile: "profile_tree: a copied tree's profile is not in the store; copy profiles first"
        }
    }
}
