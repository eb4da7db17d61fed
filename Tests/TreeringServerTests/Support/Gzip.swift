import Foundation

/// `data` compressed by the system's gzip, as an agent or curl would send it.
func gzip(_ data: Data) throws -> Data {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("body")
    try data.write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-k", "-9", file.path]
    try process.run()
    process.waitUntilExit()
    return try Data(contentsOf: folder.appendingPathComponent("body.gz"))
}
