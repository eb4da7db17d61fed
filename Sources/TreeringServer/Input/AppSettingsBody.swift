import Foundation
import TreeringCore

/// The JSON body of "change an app's settings", `{"my_packages": ["shop", "acme_billing"]}`.
/// Unknown fields are ignored; a value of the wrong type is refused naming its field.
struct AppSettingsBody: Decodable {
    var myPackages: [String]?

    private enum CodingKeys: String, CodingKey {
        case myPackages = "my_packages"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            myPackages = try c.decodeIfPresent([String].self, forKey: .myPackages)
        } catch DecodingError.typeMismatch {
            throw InputError.invalid("my_packages", "expected an array of package names")
        }
    }

    static func read(_ body: [UInt8]) throws -> AppSettingsBody {
        do {
            return try JSONDecoder().decode(AppSettingsBody.self, from: Data(body))
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(.malformedJSON, "malformed JSON: expected an object such as {\"my_packages\": [\"shop\"]}")
        }
    }
}
