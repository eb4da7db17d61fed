import CompressNIO
import Hummingbird
import Logging
import NIOCore
import TreeringCore

/// Reads a request body within the size limits, inflating gzip as it
/// streams: a body is refused (413) as soon as it passes a limit, so a gzip
/// bomb costs no more than the limit.
struct BodyReader: Sendable {
    var limits: IngestLimits

    /// The body, within the size limits and `limits.bodyTimeoutSeconds`.
    func read(_ request: Request) async throws -> [UInt8] {
        let seconds = limits.bodyTimeoutSeconds
        return try await withDeadline(
            seconds: seconds,
            onTimeout: APIError(
                .requestTimeout, code: "body_timeout", message: "body: not received within \(Int(seconds)) s",
                headers: [.connection: "close"])
        ) {
            do {
                return try await readWithinLimits(request)
            } catch let error as APIError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                // The HTTP layer could not read the body (a broken chunk size, a cut connection).
                throw APIError(
                    .badRequest, code: "malformed_body", message: "body: could not be read as HTTP (\(error))",
                    headers: [.connection: "close"])
            }
        }
    }

    private func readWithinLimits(_ request: Request) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maxBodyBytes {
            // Many clients (urllib, http.client, the agent) write the whole
            // body before reading an answer: read the rest (up to a bound)
            // so that they get to see the 413 instead of waiting on a full socket.
            if length <= limits.maxDrainBytes { try await discard(request.body) }
            throw tooLarge("body of \(length) bytes is over the limit of \(limits.maxBodyBytes) bytes (--max-body-bytes)")
        }
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces) ?? "identity"
        switch encoding {
        case "identity", "":
            return try await readPlain(request)
        case "gzip", "x-gzip":
            return try await readGzip(request)
        default:
            throw APIError(
                .unsupportedMediaType, code: "unsupported_encoding",
                message: "Content-Encoding: \"\(encoding)\" is not supported (use gzip or none)")
        }
    }

    /// Reads the body and parses it as one upload; a refused upload is
    /// logged and answered 400 naming the field and the rule.
    func profile(_ request: Request, parser: some ProfileParser, logger: Logger) async throws -> Profile {
        let body = try await read(request)
        do {
            let profile = try parser.parse(body)
            try profile.checkText()
            return profile
        } catch {
            logger.info("refused upload", metadata: ["error": "\(error.message)"])
            throw error
        }
    }

    private func readPlain(_ request: Request) async throws -> [UInt8] {
        var out: [UInt8] = []
        var body = request.body.makeAsyncIterator()
        while let chunk = try await body.next() {
            guard out.count + chunk.readableBytes <= limits.maxBodyBytes else {
                try await discard(&body, already: out.count + chunk.readableBytes)
                throw tooLarge("body is over the limit of \(limits.maxBodyBytes) bytes (--max-body-bytes)")
            }
            out.append(contentsOf: chunk.readableBytesView)
        }
        return out
    }

    private func readGzip(_ request: Request) async throws -> [UInt8] {
        let inflater = try ZlibDecompressor(algorithm: .gzip)
        var out: [UInt8] = []
        var received = 0
        var window = ByteBufferAllocator().buffer(capacity: 256 * 1024)
        var body = request.body.makeAsyncIterator()
        while let chunk = try await body.next() {
            received += chunk.readableBytes
            guard received <= limits.maxBodyBytes else {
                try await discard(&body, already: received)
                throw tooLarge("body is over the limit of \(limits.maxBodyBytes) bytes (--max-body-bytes)")
            }
            try feed(chunk, to: inflater, window: &window, out: &out)
        }
        return out
    }

    /// Inflates gzip bytes already in memory (a compressed profile inside an
    /// upload) within the same decompressed limit.
    func inflate(_ bytes: [UInt8]) throws -> [UInt8] {
        let inflater = try ZlibDecompressor(algorithm: .gzip)
        var out: [UInt8] = []
        var window = ByteBufferAllocator().buffer(capacity: 256 * 1024)
        try feed(ByteBuffer(bytes: bytes), to: inflater, window: &window, out: &out)
        return out
    }

    private func feed(_ chunk: ByteBuffer, to inflater: ZlibDecompressor, window: inout ByteBuffer, out: inout [UInt8]) throws {
        var input = chunk
        while input.readableBytes > 0 {
            window.clear()
            let before = input.readableBytes
            do {
                try inflater.inflate(from: &input, to: &window)
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                // The window is full, or the input needs more bytes: both just mean "go on".
            } catch {
                throw APIError(.badRequest, code: "malformed_gzip", message: "body: not valid gzip data")
            }
            guard out.count + window.readableBytes <= limits.maxDecompressedBytes else {
                throw tooLarge("decompressed body is over the limit of \(limits.maxDecompressedBytes) bytes (--max-decompressed-bytes)")
            }
            out.append(contentsOf: window.readableBytesView)
            if window.readableBytes == 0, input.readableBytes == before {
                // The gzip stream ended and bytes are left over.
                throw APIError(.badRequest, code: "malformed_gzip", message: "body: data after the end of the gzip stream")
            }
        }
    }

    /// Reads and drops the rest of a refused body, up to `maxDrainBytes` in
    /// all; past that the connection is closed with the answer.
    private func discard(_ body: inout RequestBody.AsyncIterator, already: Int) async throws {
        var read = already
        while read <= limits.maxDrainBytes, let chunk = try await body.next() { read += chunk.readableBytes }
    }

    private func discard(_ body: RequestBody) async throws {
        var iterator = body.makeAsyncIterator()
        try await discard(&iterator, already: 0)
    }

    /// 413, and the connection closed after it: the client may still be sending.
    private func tooLarge(_ message: String) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: message, headers: [.connection: "close"])
    }
}
