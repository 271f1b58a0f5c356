#!/usr/bin/env python3
"""Benchmarks numbers-api against a bare actix-web server (bench/baseline).

Both are built in release mode and run on one core with one worker, under
the same wrk load on loopback; the load generator and this script run on the
other cores. Each round starts both servers afresh, timing each from process
start to its first 200 from /health, reads their resident memory at idle,
warms them up, then loads /rng (fail-after 0) and /health in short runs that
alternate between the two servers, and ends with peak resident memory under
256 connections. Then it times one `numbers-api healthcheck` run beside one
`curl --fail` (hyperfine) and reads the size of each Docker image when an
engine answers. The figures are medians; each ratio is the median of the
ratios of back-to-back runs, which saw much the same neighbours on a shared
machine. Each target is marked PASS or MISS.

Usage: bench/run.py [--rounds N] [--slices N] [--duration SECONDS] [--connections N]

Needs: cargo, wrk, hyperfine, curl and taskset (Debian: apt-get install wrk
hyperfine curl util-linux). Installs nothing; says what is missing.
Exit code: 0 when every target is met, 1 when one is missed, 2 when the
benchmark could not run.
"""

import argparse
import collections
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUMBERS = os.path.join(ROOT, "target", "release", "numbers-api")
BASELINE = os.path.join(ROOT, "target", "bench", "release", "numbers-baseline")
TOOLS = {
    "cargo": "rustup or Debian's cargo",
    "wrk": "apt-get install wrk",
    "hyperfine": "apt-get install hyperfine",
    "curl": "apt-get install curl",
    "taskset": "apt-get install util-linux",
}
# Settings of the process under test come only from its command line: no
# NUMBERS_* variable, none of the books' names for settings, no log filter.
OUTSIDE_NUMBERS = (
    "FailAfterCallCount",
    "UseFailureId",
    "Broken",
    "Logging__LogLevel__Default",
    "RUST_LOG",
)
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith("NUMBERS_") and k not in OUTSIDE_NUMBERS
}

SERVERS = {
    "numbers-api": [NUMBERS, "--fail-after", "0"],
    "baseline": [BASELINE],
}

# Targets.
RNG_RATIO_MIN = 0.95
IDLE_RSS_MAX_MB = 5.0
FIRST_200_MAX_MS = 20.0
HEALTHCHECK_MAX_MS = 5.0
V3_IMAGE_MAX_MB = 10.0


def fail(message):
    print(f"bench/run.py: {message}", file=sys.stderr)
    sys.exit(2)


def check_tools():
    missing = [f"{tool} ({how})" for tool, how in TOOLS.items() if not shutil.which(tool)]
    if missing:
        fail("missing " + ", ".join(missing))


def build():
    print("building numbers-api and the baseline (release)...", flush=True)
    for args in (
        ["cargo", "build", "--release", "--locked", "--quiet"],
        [
            "cargo",
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--manifest-path",
            os.path.join(ROOT, "bench", "baseline", "Cargo.toml"),
            "--target-dir",
            os.path.join(ROOT, "target", "bench"),
        ],
    ):
        if subprocess.run(args, cwd=ROOT).returncode != 0:
            fail("build failed: " + " ".join(args))


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"nproc {os.cpu_count()}, {model}, Linux {os.uname().release}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(port, path="/health"):
    """The status of one GET, or None when nothing answers yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(64)
            return int(head.split(b" ", 2)[1])
    except (OSError, IndexError, ValueError):
        return None


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


class Server:
    """One server process pinned to the server core; started and stopped by us."""

    def __init__(self, name, argv, core, log):
        self.name = name
        self.port = free_port()
        self.log = log
        argv = ["taskset", "-c", core] + argv + [
            "--listen",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
        ]
        started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=log, env=CLEAN_ENV
        )
        # Spin (no sleep): the first 200 is what is being timed.
        deadline = started + 10
        while status_of(self.port) != 200:
            if self.process.poll() is not None or time.perf_counter() > deadline:
                self.stop()
                fail(f"{name} did not answer /health within 10 s (log: {log.name})")
        self.first_200_ms = (time.perf_counter() - started) * 1000
        # taskset execs the server, so the pid is the server's own.
        self.pid = self.process.pid

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def to_us(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]


def cpu_seconds(pid):
    """CPU time of every thread of a process so far (from the scheduler)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[0])
    return total / 1e9


def wrk(port, path, seconds, connections, load_cores, pid):
    argv = [
        "taskset", "-c", load_cores,
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
        f"http://127.0.0.1:{port}{path}",
    ]
    cpu_before, started = cpu_seconds(pid), time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    # How busy the server's core was: near 100% means the server, not wrk,
    # set the pace.
    busy = (cpu_seconds(pid) - cpu_before) / (time.perf_counter() - started) * 100
    if "Non-2xx" in out or "Socket errors" in out:
        fail(f"wrk saw errors on {path}:\n{out}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {
        "rps": rps,
        "p50": to_us(latency["50"]),
        "p99": to_us(latency["99"]),
        "cpu": busy,
        "per_cpu_s": rps / (busy / 100),
    }


def one_round(order, args, log, samples, pairs):
    """Starts both servers, then loads them in turn, slice after slice.

    Adds each figure to samples[server][key] and, for each slice, the ratio
    numbers-api / baseline to pairs[key]: a slice of one server and the
    next slice of the other see much the same neighbours on a shared machine.
    """
    servers = {}
    try:
        for name in order:
            servers[name] = Server(name, SERVERS[name], args.server_core, log)
        time.sleep(0.5)  # settle: idle means after start-up, not during it
        per_round = {}
        for name, server in servers.items():
            per_round[name] = {
                "first_200_ms": server.first_200_ms,
                "idle_kib": rss_kib(server.pid, "VmRSS"),
            }
            wrk(server.port, "/rng", 1, args.connections, args.load_cores, server.pid)  # warm-up
        for path in ("/rng", "/health"):
            for i in range(args.slices):
                figures = {}
                for name in order if i % 2 == 0 else order[::-1]:
                    server = servers[name]
                    figures[name] = wrk(
                        server.port, path, args.duration, args.connections, args.load_cores, server.pid
                    )
                for key in figures["numbers-api"]:
                    for name in order:
                        samples[name][f"{path} {key}"].append(figures[name][key])
                    pairs[f"{path} {key}"].append(
                        figures["numbers-api"][key] / figures["baseline"][key]
                    )
        for name, server in servers.items():
            wrk(server.port, "/rng", max(3, args.duration), 256, args.load_cores, server.pid)
            per_round[name]["peak_kib"] = rss_kib(server.pid, "VmHWM")
        for key in per_round["numbers-api"]:
            for name in order:
                samples[name][key].append(per_round[name][key])
            pairs[key].append(per_round["numbers-api"][key] / per_round["baseline"][key])
    finally:
        for server in servers.values():
            server.stop()


def healthcheck_timing(args, log):
    server = Server("numbers-api", [NUMBERS, "--fail-after", "0"], args.server_core, log)
    try:
        url = f"http://127.0.0.1:{server.port}/health"
        with tempfile.NamedTemporaryFile(suffix=".json") as export:
            run = subprocess.run(
                [
                    "taskset", "-c", args.load_cores,
                    "hyperfine", "--shell=none", "--warmup", "20", "--runs", "300",
                    "--style", "none", "--export-json", export.name,
                    f"{NUMBERS} healthcheck --url {url}",
                    f"curl --fail --silent --output /dev/null {url}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=CLEAN_ENV,
            )
            if run.returncode != 0:
                fail(f"hyperfine failed:\n{run.stderr}")
            results = json.load(open(export.name))["results"]
        return [statistics.median(r["times"]) * 1000 for r in results]
    finally:
        server.stop()


def image_sizes():
    if not shutil.which("docker"):
        return None
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        return None
    sizes = {}
    for tag in ("latest", "v2", "v3"):
        out = subprocess.run(
            ["docker", "image", "inspect", "--format", "{{.Size}}", f"numbers-api:{tag}"],
            capture_output=True,
            text=True,
        )
        sizes[tag] = int(out.stdout) / 1e6 if out.returncode == 0 else None
    return sizes


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each starting both servers (default 3)")
    parser.add_argument(
        "--slices", type=int, default=6, help="alternating wrk runs per route, server and round (default 6)"
    )
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run (default 2)")
    parser.add_argument(
        "--connections", type=int, default=64, help="wrk connections for /rng and /health (default 64)"
    )
    args = parser.parse_args()

    check_tools()
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        fail("needs 2 cores: one for the server, one for the load generator")
    args.server_core = str(cores[0])
    args.load_cores = ",".join(map(str, cores[1:]))
    # This script polls and measures from the load side too.
    os.sched_setaffinity(0, set(cores[1:]))
    build()

    print(f"machine: {machine()}")
    print(
        f"load: wrk -t1 -c{args.connections} -d{args.duration}s on core(s) {args.load_cores}; "
        f"servers on core {args.server_core}, --workers 1; {args.rounds} rounds of "
        f"{args.slices} alternating runs per route; medians"
    )
    samples = {name: collections.defaultdict(list) for name in SERVERS}
    pairs = collections.defaultdict(list)
    with tempfile.NamedTemporaryFile("w", prefix="bench-", suffix=".log", delete=False) as log:
        for r in range(args.rounds):
            order = list(SERVERS) if r % 2 == 0 else list(reversed(SERVERS))
            print(f"  round {r + 1}/{args.rounds}", flush=True)
            one_round(order, args, log, samples, pairs)
        healthcheck_ms, curl_ms = healthcheck_timing(args, log)
    os.unlink(log.name)
    images = image_sizes()

    n, b = ({key: statistics.median(v) for key, v in samples[name].items()} for name in SERVERS)
    paired = {key: statistics.median(ratios) for key, ratios in pairs.items()}
    missed = []

    def row(label, ours, base, fmt, target="", ok=None, key=None):
        ratio = paired[key] if key else ours / base if base else None
        ratio = f"{ratio:5.2f}" if ratio is not None else ""
        mark = "" if ok is None else verdict(ok)
        if ok is False:
            missed.append(label)
        line = f"{label:<28}{fmt(ours):>13}{fmt(base) if base else '':>13}{ratio:>8}  {target:<14}{mark}"
        print(line.rstrip())

    rps = lambda v: f"{v:,.0f}"
    us = lambda v: f"{v:,.0f} us" if v < 10_000 else f"{v / 1000:,.1f} ms"
    mb = lambda kib: f"{kib * 1024 / 1e6:.1f} MB"
    ms = lambda v: f"{v:.1f} ms"
    pct = lambda v: f"{v:.0f}%"

    print()
    print(f"{'':<28}{'numbers-api':>13}{'baseline':>13}{'ratio':>8}  target")
    for path in ("/rng", "/health"):
        def figure(label, key, fmt, target="", ok=None):
            k = f"{path} {key}"
            row(f"{path} {label}", n[k], b[k], fmt, target, ok, key=k)

        if path == "/rng":
            ratio = paired["/rng rps"]
            figure("requests/s", "rps", rps, f"ratio >= {RNG_RATIO_MIN}", ratio >= RNG_RATIO_MIN)
        else:
            figure("requests/s", "rps", rps)
        figure("p50 latency", "p50", us)
        figure("p99 latency", "p99", us)
        figure("server CPU", "cpu", pct)
        # Requests per second of the server's own CPU time: what a request
        # costs, whatever else the machine was doing.
        figure("requests/CPU-s", "per_cpu_s", rps)
    row("idle memory (RSS)", n["idle_kib"], b["idle_kib"], mb,
        f"<= {IDLE_RSS_MAX_MB:.0f} MB", n["idle_kib"] * 1024 / 1e6 <= IDLE_RSS_MAX_MB, "idle_kib")
    row("peak memory, 256 conns", n["peak_kib"], b["peak_kib"], mb, key="peak_kib")
    row("start to first 200", n["first_200_ms"], b["first_200_ms"], ms,
        f"<= {FIRST_200_MAX_MS:.0f} ms", n["first_200_ms"] <= FIRST_200_MAX_MS, "first_200_ms")
    row("one healthcheck run", healthcheck_ms, None, ms,
        f"<= {HEALTHCHECK_MAX_MS:.0f} ms", healthcheck_ms <= HEALTHCHECK_MAX_MS)
    row("one curl --fail run", curl_ms, None, ms)
    if images is None:
        print("images: no Docker engine answers; sizes not measured")
    else:
        for tag, size in images.items():
            label = f"image numbers-api:{tag}"
            if size is None:
                print(f"{label:<28}{'not built':>13}")
            elif tag == "v3":
                row(label, size * 1e6 / 1024, None, mb,
                    f"<= {V3_IMAGE_MAX_MB:.0f} MB", size <= V3_IMAGE_MAX_MB)
            else:
                row(label, size * 1e6 / 1024, None, mb)
    print()
    print("all targets met" if not missed else "missed: " + ", ".join(missed))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
