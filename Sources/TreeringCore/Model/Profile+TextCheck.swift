extension Profile {
    /// Every name an upload carries (app, host, runtime, agent, tags, frame
    /// names and files, thread names, sample tags) holds no control
    /// character: a NUL or an escape sequence has no place in a name and
    /// would reach logs and terminals as it is. Run on every upload path,
    /// whatever its format, after parsing.
    public func checkText() throws(InputError) {
        try AppName.validate(metadata.app, path: "app")
        for (path, value) in [("host", metadata.host), ("runtime", metadata.runtime), ("agent", metadata.agent)] {
            if let value { try NameText.check(value, path) }
        }
        for (key, value) in metadata.tags {
            try NameText.check(key, "tags")
            try NameText.check(value, "tags.\(key.prefix(64))")
        }
        for (i, frame) in frames.frames.enumerated() {
            try NameText.check(frame.name, "frames[\(i)].name")
            try NameText.check(frame.file, "frames[\(i)].file")
        }
        for label in labels {
            if let thread = label.thread { try NameText.check(thread, "thread") }
            for tag in label.tags {
                try NameText.check(tag.key, "samples.tags")
                try NameText.check(tag.value, "samples.tags.\(tag.key.prefix(64))")
            }
        }
    }
}

/// The rule for names from any input: no control characters.
public enum NameText {
    public static func check(_ text: String, _ path: String) throws(InputError) {
        // Most names are ASCII without controls: one pass over the bytes.
        for byte in text.utf8 where byte < 0x20 || byte == 0x7F {
            throw InputError.invalid(
                path, "must not hold control characters (found U+\(String(byte, radix: 16, uppercase: true).leftPadded(4)))")
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
