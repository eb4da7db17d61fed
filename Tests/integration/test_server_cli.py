"""The server binary as a user runs it: --help, import and export without a
server, bad input named on stderr with a non-zero exit code."""

import subprocess

from support.treering_server import REPO, TreeringServer, server_binary

VECTORS = REPO / "Tests" / "vectors" / "treering1"


def run(*args, **kw):
    return subprocess.run([str(server_binary()), *args], capture_output=True, text=True, cwd=REPO, timeout=60, **kw)


def test_help_lists_every_serve_option():
    out = run("serve", "--help")
    assert out.returncode == 0
    for option in ["--host", "--port", "--db", "--max-body-bytes", "--max-decompressed-bytes", "--max-stack-depth"]:
        assert option in out.stdout


def test_import_then_export_folded(tmp_path):
    db = tmp_path / "cli.sqlite"
    imported = run("import", str(VECTORS / "valid-basic.json"), "--app", "imported-app", "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    assert "imported profile 1" in imported.stdout
    exported = run("export", "1", "--format", "folded", "--db", str(db))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines() == [
        "<module> (manage.py:1);get_response (django/core/handlers/base.py:165) 3",
        "<module> (manage.py:1);get_response (django/core/handlers/base.py:165);order_list (shop/views.py:42) 12",
    ]
    # The server sees what the CLI stored, under the app name given.
    with TreeringServer(db) as server:
        assert server.get_json("/api/v1/profiles/1")["app"] == "imported-app"


def test_import_refuses_a_bad_file_with_the_field_named(tmp_path):
    out = run("import", str(VECTORS / "invalid-frame-index-out-of-range.json"), "--db", str(tmp_path / "x.sqlite"))
    assert out.returncode != 0
    assert "samples[1].stack[2]: frame index 99 out of range (3 frames)" in out.stderr
    assert out.stdout == ""


def test_export_of_a_missing_profile_fails_on_stderr(tmp_path):
    db = tmp_path / "y.sqlite"
    assert run("import", str(VECTORS / "valid-minimal.json"), "--db", str(db)).returncode == 0
    out = run("export", "42", "--db", str(db))
    assert out.returncode != 0
    assert "no profile 42" in out.stderr


def test_port_in_use_is_a_clear_error(tmp_path):
    with TreeringServer(tmp_path / "a.sqlite") as first:
        out = run("serve", "--port", str(first.port), "--db", str(tmp_path / "b.sqlite"))
        assert out.returncode != 0
        assert out.stderr.strip() != ""
