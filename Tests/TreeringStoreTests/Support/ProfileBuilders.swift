import TreeringCore

/// A profile of the given stacks (frames root first, count, thread, tags),
/// as an agent's upload would give it, for the store to save.
func makeProfile(app: String = "shop", start: Double = 1_000, stacks: [([Frame], Int64, String?, [String: String])]) -> Profile {
    var frames = FrameTable()
    var samples = SampleTable()
    var labels: [SampleLabels] = []
    for (stack, count, thread, tags) in stacks {
        let l = SampleLabels(thread: thread, tags: tags)
        let labelID: Int32
        if let i = labels.firstIndex(of: l) {
            labelID = Int32(i)
        } else {
            labelID = Int32(labels.count)
            labels.append(l)
        }
        samples.append(stack: stack.map { frames.intern($0) }, count: count, labelID: labelID)
    }
    return Profile(
        metadata: ProfileMetadata(app: app, host: "web-1", start: start, end: start + 10, intervalMs: 10, tags: ["env": "test"]),
        frames: frames, labels: labels, samples: samples)
}

/// Frames the store tests build their stacks from.
let main = Frame(name: "main", file: "app.py", line: 1)
let handle = Frame(name: "handle", file: "app.py", line: 10)
let query = Frame(name: "query", file: "db.py", line: 5)
