import Hummingbird
import TreeringCore

/// Where one side of a comparison comes from, named by `PREFIX.`-prefixed
/// query parameters in the vocabulary of the single-tree APIs:
/// `base.profile=ID`; `base.app=APP&base.from=&base.until=&base.LABEL=VALUE`;
/// `base.session=ID` (or its share token), with `base.request=R` for one request.
enum TreeSource: Sendable, Equatable {
    case profile(Int64)
    /// The app and the side's other parameters, prefix removed (read as a
    /// query against the app's labels when the tree is loaded).
    case query(app: String, parameters: [String: [String]])
    case session(String)
    case sessionRequest(session: String, request: String)

    static func parse(_ all: Parameters, prefix: String) throws(InputError) -> TreeSource {
        var own: [(key: String, value: String)] = []
        for (key, value) in all where key.hasPrefix(prefix + ".") {
            own.append((String(key.dropFirst(prefix.count + 1)), String(value)))
        }
        func single(_ name: String) throws(InputError) -> String? {
            let values = own.filter { $0.key == name }.map(\.value)
            guard values.count <= 1 else { throw InputError.invalid("\(prefix).\(name)", "given more than once") }
            return values.first
        }
        let kinds = ["profile", "app", "session"].filter { name in own.contains { $0.key == name } }
        guard kinds.count == 1 else {
            let rule =
                kinds.isEmpty
                ? "required: give \(prefix).profile=ID, \(prefix).app=APP (with \(prefix).from, \(prefix).until and label filters) or \(prefix).session=ID"
                : "give only one of \(kinds.map { "\(prefix).\($0)" }.joined(separator: ", "))"
            throw kinds.isEmpty ? InputError(.missingField, "\(prefix): \(rule)") : InputError.invalid(prefix, rule)
        }
        switch kinds[0] {
        case "profile":
            let text = try single("profile") ?? ""
            guard let id = Int64(text), id > 0 else {
                throw InputError.invalid("\(prefix).profile", "must be a profile id, a whole number >= 1 (got \"\(text.prefix(40))\")")
            }
            try onlyKnown(own, ["profile"], prefix)
            return .profile(id)
        case "session":
            let session = try single("session") ?? ""
            guard !session.isEmpty, session.count <= 64 else {
                throw InputError.invalid("\(prefix).session", "must be a session id or share token")
            }
            if let request = try single("request") {
                try onlyKnown(own, ["session", "request"], prefix)
                return .sessionRequest(session: session, request: request)
            }
            try onlyKnown(own, ["session"], prefix)
            return .session(session)
        default:
            let app = try single("app") ?? ""
            try AppName.validate(app, path: "\(prefix).app")
            var rest: [String: [String]] = [:]
            for (key, value) in own where key != "app" { rest[key, default: []].append(value) }
            return .query(app: app, parameters: rest)
        }
    }

    /// A profile or session side with a parameter it does not use (a label
    /// filter on a profile, say) is refused rather than silently ignored.
    private static func onlyKnown(_ own: [(key: String, value: String)], _ known: Set<String>, _ prefix: String) throws(InputError) {
        if let extra = own.first(where: { !known.contains($0.key) }) {
            throw InputError.invalid(
                "\(prefix).\(extra.key.prefix(64))",
                "not a parameter of this side (\(known.sorted().map { "\(prefix).\($0)" }.joined(separator: ", ")))")
        }
    }
}
