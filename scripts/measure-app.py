#!/usr/bin/env python3
"""Start-up time and idle memory of the desktop app, against a baseline measured
in the same run: the same binary opening its window on an empty page
(`--baseline`), so the figures say what the app adds to Tauri and WebKitGTK.

    python3 scripts/measure-app.py [--runs 7] [--mem-runs 5] [--binary target/release/razcode-desk]

Needs Xvfb (Debian package xvfb). Builds the release app when it is missing.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def xvfb():
    p = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    display = p.stdout.readline().decode().strip()
    return p, ":" + display


def env(display):
    e = dict(os.environ, DISPLAY=display, RAZDESK_NO_BROWSER="1", GDK_BACKEND="x11")
    e.pop("WAYLAND_DISPLAY", None)
    return e


def first_paint(binary, display, data_dir, extra):
    """Milliseconds from exec to the first painted frame, as the app reports it,
    and the wall time of the whole run."""
    t0 = time.monotonic()
    out = subprocess.run(
        [binary, "--data-dir", data_dir, "--exit-after-paint", *extra],
        env=env(display),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        timeout=120,
    )
    wall = (time.monotonic() - t0) * 1000
    m = re.search(rb"first paint after (\d+) ms", out.stderr)
    if not m:
        sys.exit(f"no first paint reported: {out.stderr.decode(errors='replace')}")
    return int(m.group(1)), wall


def tree(pid):
    """The process and every descendant (WebKit's web and network processes)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            kids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(p)], capture_output=True, text=True).stdout
        except OSError:
            kids = ""
        todo.extend(int(k) for k in kids.split())
    return pids


def memory_kib(pids):
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def idle_memory(binary, display, data_dir, extra, settle=8.0):
    p = subprocess.Popen(
        [binary, "--data-dir", data_dir, *extra],
        env=env(display),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    line = p.stderr.readline()
    if b"first paint" not in line:
        p.kill()
        sys.exit(f"the app did not paint: {line!r}")
    time.sleep(settle)
    pids = tree(p.pid)
    rss, pss = memory_kib(pids)
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
    return rss, pss, len(pids)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--mem-runs", type=int, default=5)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/razcode-desk"))
    a = ap.parse_args()
    if not os.path.exists(a.binary):
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "-p", "razcode-desk-app", "--features", "custom-protocol"],
            cwd=ROOT,
            check=True,
        )
    server, display = xvfb()
    work = tempfile.mkdtemp(prefix="razdesk-measure-")
    try:
        # A desk set up on the sandbox: what a morning start looks like.
        sandbox_dir = os.path.join(work, "sandbox")
        first_paint(a.binary, display, sandbox_dir, ["--sandbox"])
        cases = [
            ("baseline: empty page", lambda i: (os.path.join(work, f"b{i}"), ["--baseline"])),
            ("first run (welcome screen)", lambda i: (os.path.join(work, f"f{i}"), [])),
            ("sandbox desk (gateway started, worklist)", lambda i: (sandbox_dir, [])),
        ]
        # Rounds interleave the cases, so that a slower minute of this VM
        # weighs on each of them alike.
        print(f"cold start to first paint, median of {a.runs} interleaved runs ({os.path.relpath(a.binary, ROOT)}, Xvfb):")
        paints = {name: [] for name, _ in cases}
        walls = {name: [] for name, _ in cases}
        for i in range(a.runs):
            for name, make in cases:
                d, extra = make(i)
                paint, wall = first_paint(a.binary, display, d, extra)
                paints[name].append(paint)
                walls[name].append(wall)
        base = statistics.median(paints[cases[0][0]])
        for name, _ in cases:
            m = statistics.median(paints[name])
            print(f"  {name:44} {m:6.0f} ms  ({m / base:4.2f}x baseline; whole run {statistics.median(walls[name]):.0f} ms)")
        print(f"resident memory of all the app's processes, idle 8 s after first paint, median of {a.mem_runs} interleaved runs:")
        mem_cases = [
            ("baseline: empty page", lambda i: (os.path.join(work, f"bm{i}"), ["--baseline"])),
            ("sandbox desk on the worklist", lambda i: (sandbox_dir, [])),
        ]
        samples = {name: [] for name, _ in mem_cases}
        for i in range(a.mem_runs):
            for name, make in mem_cases:
                samples[name].append(idle_memory(a.binary, display, *make(i)))
        base_pss = statistics.median(pss for _, pss, _ in samples[mem_cases[0][0]])
        for name, runs in samples.items():
            rss = statistics.median(r for r, _, _ in runs)
            pss = statistics.median(p for _, p, _ in runs)
            n = max(k for _, _, k in runs)
            print(f"  {name:44} PSS {pss / 1024:6.1f} MiB  RSS {rss / 1024:6.1f} MiB  {n} processes  ({pss / base_pss:4.2f}x baseline PSS)")
    finally:
        server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
