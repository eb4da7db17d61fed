import CompressNIO
import Hummingbird
import Logging
import NIOCore
import TreeringCore

/// Reads a request body within the size limits, inflating gzip as it
/// streams: a body is refused (413) as soon as it passes a limit, so a gzip
/// bomb costs no more than the limit.
struct BodyReader {
    var limits: IngestLimits

    func read(_ request: Request) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maxBodyBytes {
            throw tooLarge("body of \(length) bytes is over the limit of \(limits.maxBodyBytes) bytes")
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
            return try parser.parse(body)
        } catch {
            logger.info("refused upload", metadata: ["error": "\(error.message)"])
            throw error
        }
    }

    private func readPlain(_ request: Request) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in request.body {
            guard out.count + chunk.readableBytes <= limits.maxBodyBytes else {
                throw tooLarge("body is over the limit of \(limits.maxBodyBytes) bytes")
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
        for try await chunk in request.body {
            received += chunk.readableBytes
            guard received <= limits.maxBodyBytes else {
                throw tooLarge("body is over the limit of \(limits.maxBodyBytes) bytes")
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
                throw tooLarge("decompressed body is over the limit of \(limits.maxDecompressedBytes) bytes")
            }
            out.append(contentsOf: window.readableBytesView)
            if window.readableBytes == 0, input.readableBytes == before {
                // The gzip stream ended and bytes are left over.
                throw APIError(.badRequest, code: "malformed_gzip", message: "body: data after the end of the gzip stream")
            }
        }
    }

    private func tooLarge(_ message: String) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: message)
    }
}
