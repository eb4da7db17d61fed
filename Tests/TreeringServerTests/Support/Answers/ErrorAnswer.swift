/// A refusal: `{"error": {"code": "...", "message": "..."}}`.
struct ErrorAnswer: Decodable {
    struct Body: Decodable {
        var code: String
        var message: String
    }

    var error: Body
}
