"""python -m treering run [options] script.py [args...] | -m module [args...]
python -m treering upload FILE --server URL [--app NAME]"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import runpy
import sys
import urllib.parse

from . import http
from .stacks import merge_documents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m treering", description="Treering's Python profiler agent.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a program under the profiler")
    run.add_argument(
        "--server", default=os.environ.get("TREERING_SERVER"), help="Treering server URL (env TREERING_SERVER)"
    )
    run.add_argument(
        "--app", default=os.environ.get("TREERING_APP"), help="app name (env TREERING_APP; default: the script's name)"
    )
    run.add_argument("--key", default=os.environ.get("TREERING_KEY"), help="ingest key (env TREERING_KEY)")
    run.add_argument("--interval-ms", type=float, default=None, help="sampling interval (default 10)")
    run.add_argument("--upload-every-s", type=float, default=None, help="upload period (default 10)")
    run.add_argument("--mode", choices=["thread", "signal"], default=None)
    run.add_argument("--lines", action="store_true", help="one node per executing line, not per function")
    run.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default=None,
        help="cpu (default): samples of threads that ran; wall: every sample, idle ones tagged state=idle",
    )
    run.add_argument("--idle", action="store_true", help="the same as --clock wall")
    run.add_argument("-o", "--output", help="write the treering/1 document to FILE instead of uploading")
    run.add_argument("-m", dest="module", help="run a module, like python -m")
    run.add_argument("target", nargs=argparse.REMAINDER, help="script.py [args...] (or args of -m module)")

    up = sub.add_parser("upload", help="send a treering/1 or folded file to a server")
    up.add_argument("file")
    up.add_argument(
        "--server", default=os.environ.get("TREERING_SERVER"), required=os.environ.get("TREERING_SERVER") is None
    )
    up.add_argument("--key", default=os.environ.get("TREERING_KEY"))
    up.add_argument("--app", default=os.environ.get("TREERING_APP"), help="app name (folded files)")

    argv = list(sys.argv[1:] if argv is None else argv)
    module_args: list[str] | None = None
    if argv[:1] == ["run"] and "-m" in argv:
        # Everything after `-m module` belongs to the module (`-m gunicorn --bind ...`).
        at = argv.index("-m")
        argv, module_args = argv[: at + 2], argv[at + 2 :]
    args = parser.parse_args(argv)
    if module_args is not None:
        args.target = module_args
    if args.command == "run":
        return _run(parser, args)
    return _upload(args)


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import treering

    if not args.module and not args.target:
        parser.error("run: give a script to run, or -m module")
    if not args.server and not args.output:
        parser.error("run: give --server URL (or TREERING_SERVER) to upload, or --output FILE")
    target = args.module or args.target[0]
    app = args.app or os.path.splitext(os.path.basename(target))[0] or "python-app"
    kwargs = dict(
        app=app,
        server=None if args.output else args.server,
        key=args.key,
        interval_ms=args.interval_ms,
        upload_every_s=args.upload_every_s,
        mode=args.mode,
        granularity="line" if args.lines else None,
        include_idle=True if args.idle else None,
        clock=args.clock,
    )
    agent = treering.start(**kwargs)
    if agent is None:
        print("treering: could not start the profiler", file=sys.stderr)
        return 2
    code = 0
    try:
        if args.module:
            sys.argv = [args.module, *args.target]
            runpy.run_module(args.module, run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(args.target)
            sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
            runpy.run_path(target, run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        treering.stop()
        if args.output:
            documents = agent.documents
            doc = merge_documents(documents) if documents else None
            if doc is None:
                print("treering: no samples were taken (the program ran too briefly?)", file=sys.stderr)
            else:
                with open(args.output, "w") as f:
                    json.dump(doc, f)
        elif agent.uploader is not None and agent.uploader.pending:
            print(
                f"treering: {len(agent.uploader.pending)} upload(s) could not be sent to {args.server}", file=sys.stderr
            )
    return code


def _upload(args: argparse.Namespace) -> int:
    with open(args.file, "rb") as f:
        raw = f.read()
    try:
        json.loads(raw)
        content_type, query = "application/json", ""
    except ValueError:
        if not args.app:
            print("treering: a folded file needs --app NAME", file=sys.stderr)
            return 2
        content_type = "text/plain"
        query = "?format=folded&app=" + urllib.parse.quote(args.app, safe="")
    url = args.server.rstrip("/") + "/api/v1/ingest" + query
    try:
        status, answer_raw = http.post(url, gzip.compress(raw), args.key, timeout=60, content_type=content_type)
    except OSError as e:
        print(f"treering: cannot reach {args.server}: {e}", file=sys.stderr)
        return 1
    if status >= 400:
        print(
            f"treering: the server refused the upload ({status}): {answer_raw.decode(errors='replace')}",
            file=sys.stderr,
        )
        return 1
    answer = json.loads(answer_raw)
    print(f"uploaded profile {answer['id']}: {args.server.rstrip('/')}{answer['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
