"""The benchmark driver (run by bench/run.sh; expects everything built).

Starts one simulator on loopback, runs every contender in its own process
(CPU = user+sys and peak RSS from os.wait4 of that child), interleaves the
repetitions, and prints one Markdown table of medians plus the targets.
Env: BENCH_QUICK=1 (fewer repetitions, no unscaled-latency pull),
BENCH_OUT=FILE (also write the report there).
"""
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = os.environ.get("BENCH_QUICK") == "1"
PULL_REPS = 2 if QUICK else 5
SINGLE_REPS = 1 if QUICK else 3
SINGLE_N = 2000
LIMITED_REPS = 1 if QUICK else 3
PY = os.path.join(ROOT, ".venv", "bin", "python")
CLI = os.path.join(ROOT, "target", "release", "knowbe4")
RUST = os.path.join(ROOT, "bench", "rust", "target", "release", "knowbe4-bench")
PYC = [PY, os.path.join(ROOT, "bench", "contenders.py")]
NODEC = ["node", os.path.join(ROOT, "bench", "contenders.js")]
WASM = os.path.join(ROOT, "bindings", "wasm", "pkg", "node", "knowbe4_connector_wasm_bg.wasm")

lines = []


def say(text=""):
    print(text, flush=True)
    lines.append(text)


def log(text):
    print(text, file=sys.stderr, flush=True)


def run(cmd, stdout=subprocess.PIPE):
    """Run one contender; returns (parsed JSON line or None, external wall, cpu s, max RSS MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, cwd=ROOT)
    out = proc.stdout.read() if stdout == subprocess.PIPE else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} exited with {code}")
    data = json.loads(out.decode().strip().splitlines()[-1]) if out.strip() else None
    return data, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def http(url, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as res:
        raw = res.read()
    return json.loads(raw) if raw.strip() else None


def med(values):
    return statistics.median(values)


def pct(sorted_values, p):
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def main():
    sim = subprocess.Popen(
        [CLI, "simulate", "--port", "0", "--users", "20000", "--enrollments-per-user", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = sim.stdout.readline().decode()
        url = first.strip().rsplit(" ", 1)[-1]
        assert url.startswith("http://127.0.0.1:"), first
        bench(url)
    finally:
        sim.terminate()
        sim.wait()


def bench(url):
    req = urllib.request.Request(
        f"{url}/v1/training/enrollments?page=1&per_page=500",
        headers={"Authorization": "Bearer sim-token"},
    )
    with urllib.request.urlopen(req) as res:
        ids = [r["enrollment_id"] for r in json.load(res)]
    ids_file = tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False)
    ids_file.write("\n".join(map(str, ids)))
    ids_file.close()

    say(f"Machine: {platform.machine()}, {os.cpu_count()} cores, {cpu_model()}, "
        f"Linux {platform.release()}, Python {platform.python_version()}, "
        f"Node {subprocess.check_output(['node', '--version']).decode().strip()}, "
        f"{subprocess.check_output(['rustc', '--version']).decode().strip()}")
    say()
    say(f"Mode: {'BENCH_QUICK=1' if QUICK else 'full'}; pulls x{PULL_REPS}, single calls "
        f"{SINGLE_N} x{SINGLE_REPS}, limited pulls x{LIMITED_REPS}; medians over repetitions")
    say()

    # 1. Full pulls -------------------------------------------------------
    pulls = {
        "Rust core (get_all_training_enrollments)": [RUST, "pull", url],
        "Rust core, pages kept as text (run_action_streamed)": [RUST, "pull-pages", url],
        "Python connector, sync": PYC + ["connector-sync-pull", url],
        "Python connector, async": PYC + ["connector-async-pull", url],
        "requests.Session loop + .json()": PYC + ["requests-pull", url],
        "httpx.Client loop + .json()": PYC + ["httpx-pull", url],
        "WASM in Node (listTrainingEnrollments)": NODEC + ["wasm-pull", url],
        "Node fetch loop + .json()": NODEC + ["fetch-pull", url],
    }
    res = {name: {"wall": [], "cpu": [], "rss": [], "fail": 0} for name in pulls}
    for rep in range(PULL_REPS):
        for name, cmd in pulls.items():
            log(f"pull {rep + 1}/{PULL_REPS}: {name}")
            try:
                data, _, cpu, rss = run(cmd)
            except RuntimeError as e:
                log(f"  FAILED: {e}")
                res[name]["fail"] += 1
                continue
            assert data["records"] == 100_000, data
            res[name]["wall"].append(data["wall_s"])
            res[name]["cpu"].append(cpu)
            res[name]["rss"].append(rss)
    P = {name: {k: (med(v) if v else float("nan")) if k != "fail" else v for k, v in r.items()}
         for name, r in res.items()}
    rust = P["Rust core (get_all_training_enrollments)"]
    say("### 1. Full pull: 100,000 enrollments, 200 pages of 500 (+1 empty page)")
    say()
    say("| contender | wall (s) | records/s | CPU user+sys (s) | peak RSS (MB) | wall vs Rust core | wall vs requests |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    req_wall = P["requests.Session loop + .json()"]["wall"]
    for name, p in P.items():
        fail = f" ({p['fail']} of {PULL_REPS} runs crashed)" if p["fail"] else ""
        say(f"| {name}{fail} | {p['wall']:.3f} | {100_000 / p['wall']:,.0f} | {p['cpu']:.2f} | "
            f"{p['rss']:.0f} | {p['wall'] / rust['wall']:.2f}x | {p['wall'] / req_wall:.2f}x |")
    say()
    say("Wall = the pull itself, timed inside the process after imports and client construction. "
        "CPU and peak RSS = the whole child process (interpreter start-up included), from wait4.")
    say()

    # 2. Single calls -----------------------------------------------------
    singles = {
        "Rust core": [RUST, "single", url, str(SINGLE_N), ids_file.name],
        "Python connector, sync": PYC + ["connector-sync-single", url, str(SINGLE_N), ids_file.name],
        "requests.Session": PYC + ["requests-single", url, str(SINGLE_N), ids_file.name],
        "httpx.Client": PYC + ["httpx-single", url, str(SINGLE_N), ids_file.name],
        "WASM in Node": NODEC + ["wasm-single", url, str(SINGLE_N), ids_file.name],
        "Node fetch": NODEC + ["fetch-single", url, str(SINGLE_N), ids_file.name],
    }
    sres = {name: {"p50": [], "p99": [], "rate": []} for name in singles}
    for rep in range(SINGLE_REPS):
        for name, cmd in singles.items():
            log(f"single {rep + 1}/{SINGLE_REPS}: {name}")
            data, *_ = run(cmd)
            lat = sorted(data["lat"])
            sres[name]["p50"].append(pct(lat, 50) * 1e6)
            sres[name]["p99"].append(pct(lat, 99) * 1e6)
            sres[name]["rate"].append(len(lat) / data["wall_s"])
    S = {name: {k: med(v) for k, v in r.items()} for name, r in sres.items()}
    say(f"### 2. Single-record calls: {SINGLE_N:,} get_a_specific_training_enrollment on one keep-alive connection")
    say()
    say("| contender | median (µs) | p99 (µs) | calls/s | per call vs Rust core (median) | rate vs requests.Session |")
    say("|---|---:|---:|---:|---:|---:|")
    for name, s in S.items():
        say(f"| {name} | {s['p50']:.0f} | {s['p99']:.0f} | {s['rate']:,.0f} | "
            f"{s['p50'] / S['Rust core']['p50']:.2f}x | {s['rate'] / S['requests.Session']['rate']:.2f}x |")
    say()

    # 3. Under KnowBe4's limits, time-scaled ------------------------------
    say("### 3. Full pull under KnowBe4's limits (4/s, 50/min), time scale 60 (a minute lasts 1 s)")
    say()
    say("| run | wall (s) | bound (s) | vs bound | requests | 429s seen |")
    say("|---|---:|---:|---:|---:|---:|")
    cli_plain = []
    for rep in range(LIMITED_REPS):
        log(f"CLI pull, no limits {rep + 1}/{LIMITED_REPS}")
        cli_plain.append(run([CLI, "run", "get_all_training_enrollments", "--url", url,
                              "--token", "sim-token"], stdout=subprocess.DEVNULL)[1])
    http(f"{url}/_sim/rate_limits", "PUT", {"per_second": 4, "per_minute": 50, "time_scale": 60})
    limited = {}

    def limited_run(label, reps, cmd_kind, slow_ms=None):
        walls, bounds, reqs, r429 = [], [], [], []
        if slow_ms is not None:
            http(f"{url}/_sim/faults", "PUT", [{"fault": {"kind": "slow", "delay_ms": slow_ms}}])
        for rep in range(reps):
            log(f"limited {rep + 1}/{reps}: {label}")
            # Let the simulator's rolling windows (1 scaled minute = 1 s) empty
            # of the previous run's requests, or its first requests would be 429s.
            time.sleep(1.5)
            http(f"{url}/_sim/stats", "DELETE")
            if cmd_kind == "rust":
                data, *_ = run([RUST, "limited", url, "60"])
                walls.append(data["wall_s"])
                bounds.append(data["bound_s"])
            else:
                _, wall, *_ = run([CLI, "run", "get_all_training_enrollments", "--rate-limit",
                                   "--rate-limit-time-scale", "60", "--url", url, "--token", "sim-token"],
                                  stdout=subprocess.DEVNULL)
                walls.append(wall)
                bounds.append(200 / 50)  # (201 - 1) / 50 scaled minutes of 1 s
            stats = http(f"{url}/_sim/stats")
            reqs.append(stats["requests"])
            r429.append(stats["rate_limited"])
        http(f"{url}/_sim/faults", "DELETE")
        w, b = med(walls), med(bounds)
        limited[label] = (w, b, max(r429))
        say(f"| {label} | {w:.2f} | {b:.2f} | {w / b:.3f}x ({(w / b - 1) * 100:+.1f}%) | "
            f"{max(reqs)} | {max(r429)} |")

    limited_run("Rust core, limiter on", LIMITED_REPS, "rust")
    limited_run("CLI `knowbe4 run ... --rate-limit` (process wall)", LIMITED_REPS, "cli")
    limited_run("Rust core, + 13 ms per page (800 ms scaled by 60)", LIMITED_REPS, "rust", 13)
    if not QUICK:
        limited_run("Rust core, + 800 ms per page (unscaled)", 1, "rust", 800)
    http(f"{url}/_sim/rate_limits", "DELETE")
    say()
    say(f"For scale: the same CLI pull with no limits on either side takes {med(cli_plain):.2f} s of process wall "
        "(start-up, the pull, and writing the 100,000-record envelope to stdout).")
    say()
    say("Bound = `RateLimits::minimum_duration(201)` = (201-1)/50 scaled minutes = 4.00 s. "
        "429s = `rate_limited` from GET /_sim/stats (max over repetitions).")
    say()

    # 4. Start-up and size -------------------------------------------------
    say("### 4. Start-up and size")
    say()
    say("| measure | value |")
    say("|---|---:|")
    cli_ms = startup_cli()
    say(f"| `knowbe4 --version` | {cli_ms:.2f} ms |")
    imp = startup_py()
    say(f"| `python -c \"import knowbe4_connector\"` minus `python -c \"pass\"` | {imp:.1f} ms |")
    inits = [run(NODEC + ["wasm-init"])[0]["wall_s"] * 1000 for _ in range(5 if QUICK else 11)]
    say(f"| WASM module load + instantiate + `new Client` in Node (require of pkg/node) | {med(inits):.1f} ms |")
    raw = open(WASM, "rb").read()
    gz = len(gzip.compress(raw, 9))
    say(f"| `.wasm` raw | {len(raw):,} bytes ({len(raw) / 1024:.0f} KiB) |")
    say(f"| `.wasm` gzip -9 | {gz:,} bytes ({gz / 1024:.0f} KiB) |")
    dist = os.path.join(ROOT, "dist")
    wheels = [f for f in os.listdir(dist) if f.endswith(".whl")] if os.path.isdir(dist) else []
    if not wheels:
        say("| wheel | (no wheel in dist/ at this moment: another build replaced it) |")
    for w in wheels:
        size = os.path.getsize(os.path.join(ROOT, "dist", w))
        say(f"| wheel `{w}` | {size:,} bytes ({size / 1024 / 1024:.2f} MiB) |")
    say()

    # Targets --------------------------------------------------------------
    py = P["Python connector, sync"]
    pya = P["Python connector, async"]
    hx = P["httpx.Client loop + .json()"]
    rq = P["requests.Session loop + .json()"]
    wasm, fetch = P["WASM in Node (listTrainingEnrollments)"], P["Node fetch loop + .json()"]
    lim = limited["Rust core, limiter on"]
    cli_lim = limited["CLI `knowbe4 run ... --rate-limit` (process wall)"]

    def mark(ok):
        return "**met**" if ok else "**MISSED**"

    say("### Targets")
    say()
    say("| target | measured | |")
    say("|---|---|---|")
    say(f"| Python full pull ≥ 2× faster than requests | sync {rq['wall'] / py['wall']:.2f}×, async {rq['wall'] / pya['wall']:.2f}× | {mark(rq['wall'] / py['wall'] >= 2)} |")
    say(f"| Python full pull ≥ 2× faster than httpx | sync {hx['wall'] / py['wall']:.2f}×, async {hx['wall'] / pya['wall']:.2f}× | {mark(hx['wall'] / py['wall'] >= 2)} |")
    say(f"| Python full pull within 1.5× of the Rust core | sync {py['wall'] / rust['wall']:.2f}×, async {pya['wall'] / rust['wall']:.2f}× | {mark(py['wall'] / rust['wall'] <= 1.5)} |")
    say(f"| Python peak memory ≤ requests loop | {py['rss']:.0f} MB vs {rq['rss']:.0f} MB | {mark(py['rss'] <= rq['rss'])} |")
    s_py, s_rq, s_rs = S["Python connector, sync"], S["requests.Session"], S["Rust core"]
    say(f"| Python single calls ≥ 2× requests.Session rate | {s_py['rate'] / s_rq['rate']:.2f}× | {mark(s_py['rate'] / s_rq['rate'] >= 2)} |")
    say(f"| Python single call within 1.2× of Rust per call | {s_py['p50'] / s_rs['p50']:.2f}× (median) | {mark(s_py['p50'] / s_rs['p50'] <= 1.2)} |")
    say(f"| Under real limits: within 5% of the bound | core {(lim[0] / lim[1] - 1) * 100:+.1f}%, CLI process {(cli_lim[0] / cli_lim[1] - 1) * 100:+.1f}% | {mark(lim[0] / lim[1] <= 1.05)} |")
    say(f"| Under real limits: zero 429s | {lim[2]} (core), {cli_lim[2]} (CLI) | {mark(lim[2] == 0 and cli_lim[2] == 0)} |")
    say(f"| WASM in Node ≥ 0.8× plain fetch throughput | {fetch['wall'] / wasm['wall']:.2f}× | {mark(fetch['wall'] / wasm['wall'] >= 0.8)} |")
    say(f"| .wasm ≤ 600 KB raw | {len(raw) / 1000:.0f} KB | {mark(len(raw) <= 600_000)} |")
    say(f"| .wasm ≤ 200 KB gzipped | {gz / 1000:.0f} KB | {mark(gz <= 200_000)} |")
    say(f"| CLI start-up < 5 ms | {cli_ms:.2f} ms | {mark(cli_ms < 5)} |")
    say(f"| Python import < 30 ms | {imp:.1f} ms | {mark(imp < 30)} |")

    out = os.environ.get("BENCH_OUT")
    if out:
        with open(out, "w") as f:
            f.write("\n".join(lines) + "\n")
    os.unlink(ids_file.name)


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def hyperfine_ms(cmd, runs):
    if not shutil.which("hyperfine"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    subprocess.run(["hyperfine", "-N", "--warmup", "20", "--runs", str(runs), "--export-json", path, cmd],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = json.load(open(path))["results"][0]
    os.unlink(path)
    return data["median"] * 1000


def loop_ms(argv, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return med(times) * 1000


def startup_cli():
    runs = 100 if QUICK else 300
    ms = hyperfine_ms(f"{CLI} --version", runs)
    return ms if ms is not None else loop_ms([CLI, "--version"], runs)


def startup_py():
    runs = 20 if QUICK else 40
    with_import = hyperfine_ms(f"{PY} -c 'import knowbe4_connector'", runs)
    if with_import is not None:
        return with_import - hyperfine_ms(f"{PY} -c pass", runs)
    return loop_ms([PY, "-c", "import knowbe4_connector"], runs) - loop_ms([PY, "-c", "pass"], runs)


if __name__ == "__main__":
    main()
