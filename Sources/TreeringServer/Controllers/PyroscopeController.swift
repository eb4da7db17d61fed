import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// Pyroscope-compatible ingest, so an app already instrumented for Pyroscope
/// can point its `server_address` at Treering without code changes:
/// - `POST /push.v1.PusherService/Push`: the Connect/protobuf push API that
///   pyroscope-io 1.x and Grafana's SDKs send (labels + pprof profiles);
/// - `POST /ingest?name=app.cpu{k=v}&from=&until=&sampleRate=&format=`: the
///   older API, with folded (`lines`, the default) or pprof bodies.
/// Labels become tags, `service_name` (or the name before `{`) the app.
struct PyroscopeController<Context: KeyedRequestContext> {
    let database: any ProfileStore
    let limits: IngestLimits
    let window: IngestWindow

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .post("push.v1.PusherService/Push", use: push)
            .post("ingest", use: ingest)
    }

    /// Labels that describe the agent or the profile type rather than the app's data.
    static var droppedLabels: Set<String> { ["__name__", "service_name", "__session_id__", "__delta__"] }

    @Sendable func push(request: Request, context: Context) async throws -> Response {
        let contentType = request.headers[.contentType]?.split(separator: ";").first.map { $0.lowercased() } ?? ""
        guard contentType == "application/proto" || contentType == "application/x-protobuf" else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "Content-Type: \"\(contentType.prefix(60))\" is not supported here (use application/proto)")
        }
        let body = try await BodyReader(limits: limits).read(request)
        let push = try PyroscopePush(body)
        // Everything is checked before anything is stored.
        var profiles: [Profile] = []
        for (s, series) in push.series.enumerated() {
            let labels = series.labels
            guard let app = labels["service_name"] ?? labels["__name__"] else {
                throw InputError(.missingField, "series[\(s)].labels: service_name is required")
            }
            let tags = labels.filter { !Self.droppedLabels.contains($0.key) && !$0.key.hasPrefix("otel.") }
            try limits.profile.validateTags(tags, path: "series[\(s)].labels")
            let now = Date().timeIntervalSince1970
            for (i, raw) in series.profiles.enumerated() {
                let metadata = ProfileMetadata(app: app, agent: "pyroscope", start: now, end: now, intervalMs: 10, tags: tags)
                profiles.append(
                    try parse(
                        PprofParser(metadata: metadata, limits: limits.profile),
                        try inflated(raw), path: "series[\(s)].samples[\(i)].raw_profile"))
            }
        }
        // One transaction: a push is kept whole or not at all, so the agent's retry cannot duplicate half of it.
        for app in Set(profiles.map(\.metadata.app)) { try context.checkKey(allows: app) }
        _ = try await database.saveProfiles(profiles.filter { $0.samples.count > 0 })
        return Response(status: .ok, headers: [.contentType: "application/proto"])
    }

    @Sendable func ingest(request: Request, context: Context) async throws -> Response {
        let query = FormQuery.parameters(request)
        guard let name = query.get("name") else {
            throw InputError(.missingField, "name: required query parameter (e.g. ?name=shop-web.cpu{env=prod})")
        }
        let (app, tags) = try Self.parseName(name)
        let now = Date().timeIntervalSince1970
        let from = try UnixTime.check(try UploadQuery.number(query, "from") ?? now, path: "from")
        let until = try UnixTime.check(try UploadQuery.number(query, "until") ?? max(from, now), path: "until")
        let rate = try UploadQuery.number(query, "sampleRate") ?? 100
        guard rate >= 0.001, rate <= 1_000_000 else {
            throw InputError.invalid("sampleRate", "must be a number of samples per second from 0.001 to 1000000 (got \(rate))")
        }
        var metadata = ProfileMetadata(
            app: app, agent: query.get("spyName").map { "pyroscope \($0)" }, start: from,
            end: max(from, until), intervalMs: 1000 / rate, tags: tags)
        metadata.tags["imported_from"] = "pyroscope"
        try limits.profile.validateTags(metadata.tags, path: "name")
        let body = try await BodyReader(limits: limits).read(request)
        let parser: any ProfileParser
        switch query.get("format") ?? "folded" {
        case "folded", "lines", "collapsed": parser = FoldedParser(metadata: metadata, limits: limits.profile)
        case "pprof": parser = PprofParser(metadata: metadata, limits: limits.profile)
        case let other:
            throw APIError(
                .unsupportedMediaType, code: "unsupported_format",
                message: "format: \"\(other.prefix(40))\" is not supported here (use folded, lines or pprof)")
        }
        let bytes = query.get("format") == "pprof" ? try inflated(body) : body
        let profile = try parse(parser, bytes, path: "body")
        try window.check(profile.metadata)
        try context.checkKey(allows: profile.metadata.app)
        _ = try await database.saveProfile(profile)
        return Response(status: .ok)
    }

    func parse(_ parser: any ProfileParser, _ bytes: [UInt8], path: String) throws -> Profile {
        do {
            let profile = try parser.parse(bytes)
            try profile.checkText()
            return profile
        } catch {
            throw path == "body" ? error : InputError(error.code, "\(path): \(error.message)")
        }
    }

    /// pprof inside a push may itself be gzip-compressed.
    func inflated(_ bytes: [UInt8]) throws -> [UInt8] {
        Gzip.isCompressed(bytes) ? try BodyReader(limits: limits).inflate(bytes) : bytes
    }

    /// `app.cpu{env=prod,region=eu}` → ("app", ["env": "prod", "region": "eu"]).
    /// The profile-type suffix (`.cpu`, `.itimer`, ...) is not part of the app's name.
    static func parseName(_ name: String) throws -> (String, [String: String]) {
        var app = Substring(name)
        var tags: [String: String] = [:]
        if let brace = name.firstIndex(of: "{") {
            guard name.last == "}" else { throw InputError.invalid("name", "labels must end with '}'") }
            app = name[..<brace]
            for pair in name[name.index(after: brace)..<name.index(before: name.endIndex)].split(separator: ",") {
                guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                    throw InputError.invalid("name", "label \"\(pair.prefix(40))\" is not key=value")
                }
                tags[String(pair[..<eq]).trimmingCharacters(in: .whitespaces)] = String(pair[pair.index(after: eq)...])
            }
        }
        let types: Set<Substring> = ["cpu", "itimer", "wall", "alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]
        if let dot = app.lastIndex(of: "."), types.contains(app[app.index(after: dot)...]) { app = app[..<dot] }
        try AppName.validate(String(app), path: "name")
        return (String(app), tags)
    }
}
