#!/usr/bin/env python3
"""Checks that every relative link in the repository's Markdown resolves.

A clone must hold everything its docs point at. Each relative link in
README.md, CHANGELOG.md, docs/*.md and Agents/python/README.md must name a
file or folder inside the repository, and a `#fragment` must name a heading
of the target Markdown file (GitHub's anchor rules). A link that leaves the
repository fails. So does a path in backquotes that starts with `./` or
`../` and leaves the repository, or names a Markdown file that is not there
(such as `../shared/notes.md`). http(s) and mailto links are not fetched.

    python3 scripts/check-links.py [FILE.md ...]

Prints one line per broken link and exits 1 if there is any.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = ["README.md", "CHANGELOG.md", "docs/*.md", "Agents/python/README.md"]

# [text](target) and [text](target "title"); images too. Reference-style
# definitions: [name]: target
INLINE = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
FENCE = re.compile(r"^(\s*)(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# A relative path written as code: `../shared/design/notes.md`.
CODE_PATH = re.compile(r"`(\.\.?/[^`\s]+)`")


def strip_code(text: str) -> str:
    """The text without fenced blocks and inline code, where links are literal."""
    out = []
    fence = None
    for line in text.splitlines():
        m = FENCE.match(line)
        if fence:
            if m and m.group(2) == fence:
                fence = None
            out.append("")
            continue
        if m:
            fence = m.group(2)
            out.append("")
            continue
        if line.startswith("    ") and not line.lstrip().startswith(("-", "*", "|")):
            # An indented code block (a blank line before it is assumed).
            out.append("")
            continue
        out.append(CODE_SPAN.sub("", line))
    return "\n".join(out)


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.strip().lower()
    kept = []
    for ch in text:
        if ch in " -_" or unicodedata.category(ch)[0] in "LN":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


_anchors: dict[Path, set[str]] = {}


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings, read once."""
    if path not in _anchors:
        seen: dict[str, int] = {}
        names: set[str] = set()
        in_fence = None
        for line in path.read_text(encoding="utf-8").splitlines():
            m = FENCE.match(line)
            if in_fence:
                if m and m.group(2) == in_fence:
                    in_fence = None
                continue
            if m:
                in_fence = m.group(2)
                continue
            h = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not h:
                continue
            base = anchor(h.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            names.add(base if n == 0 else f"{base}-{n}")
        _anchors[path] = names
    return _anchors[path]


def check(md: Path) -> tuple[int, list[str]]:
    problems = []
    raw = md.read_text(encoding="utf-8")
    text = strip_code(raw)
    targets = INLINE.findall(text) + REFERENCE.findall(text)
    for path_text in CODE_PATH.findall(raw):
        dest = (md.parent / path_text.partition("#")[0]).resolve()
        try:
            dest.relative_to(ROOT)
        except ValueError:
            problems.append(f"`{path_text}`: names a path outside the repository")
            continue
        if path_text.partition("#")[0].endswith(".md") and not dest.exists():
            problems.append(f"`{path_text}`: no such file")
    for target in targets:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # http:, https:, mailto: ... are not checked here
        path_part, _, fragment = target.partition("#")
        if path_part:
            dest = (md.parent / path_part).resolve()
            try:
                dest.relative_to(ROOT)
            except ValueError:
                problems.append(f"{target}: points outside the repository")
                continue
            if not dest.exists():
                problems.append(f"{target}: no such file")
                continue
        else:
            dest = md
        if fragment and dest.is_file() and dest.suffix == ".md" and fragment not in anchors(dest):
            problems.append(f"{target}: no heading #{fragment} in {dest.relative_to(ROOT)}")
    return len(targets), problems


def main(argv: list[str]) -> int:
    patterns = argv or DEFAULT_FILES
    files = []
    for pattern in patterns:
        matched = sorted(ROOT.glob(pattern)) if any(c in pattern for c in "*?[") else [ROOT / pattern]
        files += [f for f in matched if f.is_file()]
    if not files:
        print("check-links: no Markdown files found", file=sys.stderr)
        return 1
    total = 0
    broken = 0
    for md in files:
        count, problems = check(md)
        total += count
        for p in problems:
            broken += 1
            print(f"{md.relative_to(ROOT)}: {p}")
    print(f"check-links: {total} links in {len(files)} files, {broken} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
