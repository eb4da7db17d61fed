import ArgumentParser
import Foundation
import TreeringCore
import TreeringServer

/// The upload limits as flags; each also reads an environment variable.
struct LimitOptions: ParsableArguments {
    @Option(help: "Largest body as sent, in bytes (env TREERING_MAX_BODY_BYTES).")
    var maxBodyBytes: Int = env("TREERING_MAX_BODY_BYTES") ?? IngestLimits.default.maxBodyBytes

    @Option(help: "Largest body after gzip, in bytes (env TREERING_MAX_DECOMPRESSED_BYTES).")
    var maxDecompressedBytes: Int = env("TREERING_MAX_DECOMPRESSED_BYTES") ?? IngestLimits.default.maxDecompressedBytes

    @Option(help: "Most frames in one upload (env TREERING_MAX_FRAMES).")
    var maxFrames: Int = env("TREERING_MAX_FRAMES") ?? ProfileLimits.default.maxFrames

    @Option(help: "Most samples in one upload (env TREERING_MAX_SAMPLES).")
    var maxSamples: Int = env("TREERING_MAX_SAMPLES") ?? ProfileLimits.default.maxSamples

    @Option(help: "Deepest stack, in frames (env TREERING_MAX_STACK_DEPTH).")
    var maxStackDepth: Int = env("TREERING_MAX_STACK_DEPTH") ?? ProfileLimits.default.maxStackDepth

    @Option(help: "Longest name, file, tag key or value, in bytes (env TREERING_MAX_STRING_BYTES).")
    var maxStringBytes: Int = env("TREERING_MAX_STRING_BYTES") ?? ProfileLimits.default.maxStringBytes

    var limits: IngestLimits {
        var limits = IngestLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.maxDecompressedBytes = maxDecompressedBytes
        limits.profile.maxFrames = maxFrames
        limits.profile.maxSamples = maxSamples
        limits.profile.maxStackDepth = maxStackDepth
        limits.profile.maxStringBytes = maxStringBytes
        return limits
    }

    func validate() throws {
        for (name, value) in [
            ("--max-body-bytes", maxBodyBytes), ("--max-decompressed-bytes", maxDecompressedBytes),
            ("--max-frames", maxFrames), ("--max-samples", maxSamples), ("--max-stack-depth", maxStackDepth),
            ("--max-string-bytes", maxStringBytes),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1 (got \(value))")
        }
    }
}

func env<T: LosslessStringConvertible>(_ name: String) -> T? {
    ProcessInfo.processInfo.environment[name].flatMap(T.init)
}
