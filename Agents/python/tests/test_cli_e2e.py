"""The agent as a user runs it: `python -m treering run` on a small program,
to a file and to the real Swift server, whose folded export must show the
program's hot function under its callers."""

import json
import subprocess
import sys
import textwrap

from format_check import check
from support.treering_server import TreeringServer

PROGRAM = textwrap.dedent("""
    import time

    def crunch(deadline):
        x = 0
        while time.monotonic() < deadline:
            x += sum(i * i for i in range(300))
        return x

    def handle_request():
        return crunch(time.monotonic() + 1.0)

    def main():
        handle_request()

    if __name__ == "__main__":
        main()
""")


def run_agent(tmp_path, *args):
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    return subprocess.run(
        [sys.executable, "-m", "treering", *args, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def test_run_writes_a_valid_document_with_the_hot_function(tmp_path):
    out = run_agent(tmp_path, "run", "--interval-ms", "5", "--output", str(tmp_path / "doc.json"))
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "doc.json").read_text())
    assert check(doc) == []
    assert doc["app"] == "prog"
    names = [f["name"] for f in doc["frames"]]
    crunch = names.index("crunch")
    hot = sum(s["count"] for s in doc["samples"] if crunch in s["stack"])
    assert hot >= 0.8 * sum(s["count"] for s in doc["samples"])
    # The program's stacks start at its own module: runpy's and treering's
    # launcher frames are left out.
    roots = {
        (doc["frames"][s["stack"][0]]["name"], doc["frames"][s["stack"][0]]["file"])
        for s in doc["samples"]
        if crunch in s["stack"]
    }
    assert roots == {("<module>", str(tmp_path / "prog.py"))}, roots


def test_run_uploads_to_the_real_server_and_upload_command_sends_a_file(tmp_path):
    with TreeringServer(tmp_path / "agent.sqlite") as server:
        out = run_agent(tmp_path, "run", "--server", server.url, "--app", "e2e", "--interval-ms", "5")
        assert out.returncode == 0, out.stderr
        profiles = server.get_json("/api/v1/profiles?app=e2e")["profiles"]
        assert profiles, out.stderr
        folded = server.get_text(f"/api/v1/profiles/{profiles[0]['id']}/folded")
        hot = [line for line in folded.splitlines() if "crunch (" in line]
        assert hot
        assert any(
            "main (" in line and "handle_request (" in line and line.index("handle_request (") < line.index("crunch (")
            for line in hot
        )

        # `python -m treering upload FILE` sends a saved document.
        run_agent(tmp_path, "run", "--output", str(tmp_path / "saved.json"))
        sent = subprocess.run(
            [sys.executable, "-m", "treering", "upload", str(tmp_path / "saved.json"), "--server", server.url],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sent.returncode == 0, sent.stderr
        assert "uploaded profile" in sent.stdout


def test_run_without_a_destination_is_a_usage_error(tmp_path):
    out = run_agent(tmp_path, "run")
    assert out.returncode == 2
    assert "--server" in out.stderr
