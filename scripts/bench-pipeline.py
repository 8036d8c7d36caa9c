#!/usr/bin/env python3
"""Silo pipeline benchmark (issue 21, item 4): items/s and network-busy share of 1 and 2 real
`hific silo` processes on an Azurite queue against a direct `hific compress` loop over the same
images, side by side in one run, on the same cores.

    dotnet build src/HiFiC.Cli -c Release
    python3 scripts/bench-pipeline.py [--copies 3] [--out docs/results/pipeline]

Every configuration uses the same number of LibTorch threads in total (--threads, default 2): the
direct loop runs with --threads T; one silo runs one model instance of T threads; two silos run
one instance of T/2 threads each. So the ratios compare how well each keeps the same cores busy,
not more cores against fewer. On a shared machine absolute numbers drift with the load: read the
ratios, which are measured minutes apart in one run.

The direct loop's per-image time is (T(N images) - T(1 image)) / (N - 1): process start, model
load and the first image's warm-up cancel; the silos get a four-image warm-up job before the
measured one. The cluster's is the job's own Started..Finished span (listing, queueing, storage
writes, progress reports included: that is the overhead to measure). The network-busy share comes
from each silo's Prometheus endpoint (hific_model_busy_seconds_total over the job's span and the
model instances), and the mean wait for a model instance from hific_queue_wait_seconds.
"""
import argparse, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HIFIC = ["dotnet", os.path.join(ROOT, "src/HiFiC.Cli/bin/Release/net10.0/hific.dll")]
# The 500x500-ish samples (B01 is 1134x756: one item would dominate a short run).
SAMPLES = ["B02_cvo9xd_keong_macan_srgb8.png", "B03_tmshre_riaphotographs_srgb8.png", "B04_u76c0g_bliznaca_srgb8.png",
           "B06_astronaut.png", "B07_coffee.png"]
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"port {port} not listening")


def azurite():
    exe = os.environ.get("AZURITE") or os.path.join(ROOT, "tools/azurite/node_modules/.bin/azurite")
    if not os.path.exists(exe):
        sys.exit(f"Azurite not found at {exe} (bash scripts/install-azurite.sh, or AZURITE=path)")
    blob, queue, table = free_port(), free_port(), free_port()
    p = subprocess.Popen([exe, "--inMemoryPersistence", "--disableTelemetry", "--silent",
                          "--blobHost", "127.0.0.1", "--blobPort", str(blob), "--queueHost", "127.0.0.1", "--queuePort", str(queue),
                          "--tableHost", "127.0.0.1", "--tablePort", str(table)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for port in (blob, queue, table):
        wait_port(port, p)
    conn = (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};BlobEndpoint=http://127.0.0.1:{blob}/{ACCOUNT};"
            f"QueueEndpoint=http://127.0.0.1:{queue}/{ACCOUNT};TableEndpoint=http://127.0.0.1:{table}/{ACCOUNT};")
    return p, conn


def scrape(port):
    """Sums of the silo's pipeline series (labels summed away)."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30).read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if m and m.group(1).startswith("hific_"):
            out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(3))
    return out, text


def run_direct(src, work, threads, effort):
    def once(folder, name):
        # A fresh output folder every time: an existing output is never replaced.
        dst = tempfile.mkdtemp(prefix=name + "-", dir=work)
        t = time.perf_counter()
        r = subprocess.run(HIFIC + ["compress", folder, "-o", dst, "--threads", str(threads), "--effort", effort],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError("hific compress failed: " + r.stderr[-2000:])
        return time.perf_counter() - t
    one = os.path.join(work, "one")
    os.makedirs(one, exist_ok=True)
    first = sorted(os.listdir(src))[0]
    shutil.copy(os.path.join(src, first), one)
    t1 = once(one, "direct-one")
    tn = once(src, "direct-all")
    return t1, tn


def parse_utc(s):
    # .NET writes up to 7 fractional digits; Python takes 6.
    s = re.sub(r"(\.\d{6})\d+", r"\1", s.rstrip("Z")).replace("Z", "")
    return datetime.fromisoformat(s)


def run_cluster(name, silos, threads, depth, src, warm, work, conn, effort, log):
    cluster_id = "b" + os.urandom(5).hex()
    base = {
        "HiFiC__Cluster__Clustering": "AzureTable",
        "HiFiC__Cluster__ClusterId": cluster_id,
        "HiFiC__AzureStorage__ConnectionString": conn,
        "HiFiC__Queue__Provider": "AzureStorageQueue",
        "HiFiC__Queue__Name": "q-" + cluster_id,
        "HiFiC__ModelPool__Instances": "1",
        "HiFiC__ModelPool__ThreadsPerInstance": str(threads),
        "HiFiC__Worker__Consumers": "0",
        "HiFiC__Worker__PipelineDepth": str(depth),
        "HiFiC__Worker__PollInterval": "00:00:00.2",
        "HiFiC__Worker__ProgressInterval": "00:00:00.1",
        "HiFiC__Jobs__Tick": "00:00:00.05",
        "HiFiC__Silo__OrleansDashboard": "false",
        "HiFiC__Models__Folder": os.path.join(ROOT, "models"),
    }
    procs, ports = [], []
    try:
        for i in range(silos):
            mport = free_port()
            env = dict(os.environ, **base, HiFiC__Metrics__Port=str(mport))
            errf = open(os.path.join(log, f"{name}-silo{i}.log"), "w")
            p = subprocess.Popen(HIFIC + ["silo", "--threads", str(threads), "HiFiC:Cluster:SiloPort=0", "HiFiC:Cluster:GatewayPort=0"],
                                 env=env, stdout=errf, stderr=subprocess.STDOUT)
            procs.append((p, errf))
            ports.append(mport)
        for (p, errf), mport in zip(procs, ports):
            end = time.time() + 180
            path = errf.name
            while "joined cluster" not in open(path).read():
                if p.poll() is not None or time.time() > end:
                    raise RuntimeError(f"silo did not join: see {path}")
                time.sleep(0.5)
            wait_port(mport, p)
        env = dict(os.environ, **base)

        def submit(folder, job, dst):
            r = subprocess.run(HIFIC + ["job", "submit", folder, "--out", dst, "--id", job, "--effort", effort, "--watch"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise RuntimeError("job submit failed: " + r.stderr[-2000:])

        # Warm-up: a few images first (JIT, oneDNN primitives, first allocations), as the
        # direct loop's differential timing leaves its first image out.
        # Fresh destinations (the cluster id is new every run): an archive already there would be skipped as current.
        submit(warm, "warm-" + cluster_id, os.path.join(work, f"warm-{name}-{cluster_id}"))
        before = [scrape(port)[0] for port in ports]
        job = "bench-" + cluster_id
        submit(src, job, os.path.join(work, f"dst-{name}-{cluster_id}"))
        st = subprocess.run(HIFIC + ["job", "status", job, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        status = json.loads(st.stdout)
        get = lambda k: status.get(k, status.get(k[0].upper() + k[1:]))
        span = (parse_utc(get("finishedUtc")) - parse_utc(get("startedUtc"))).total_seconds()
        after, texts = zip(*[scrape(port) for port in ports])
        d = lambda k: sum(a.get(k, 0.0) - b.get(k, 0.0) for a, b in zip(after, before))
        busy = d("hific_model_busy_seconds_total")
        waits, waited = d("hific_queue_wait_seconds_count"), d("hific_queue_wait_seconds_sum")
        with open(os.path.join(log, f"{name}-metrics.txt"), "w") as f:
            f.write(texts[0])
        return {
            "done": get("done"), "failed": get("failed"), "span_s": span, "busy_s": busy,
            "busy_share": busy / (silos * span) if span > 0 else 0.0,
            "mean_wait_ms": 1000 * waited / waits if waits else 0.0,
        }
    finally:
        for p, errf in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p, errf in procs:
            try:
                p.wait(90)
            except subprocess.TimeoutExpired:
                p.kill()
            errf.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=3, help="copies of each of the 5 samples (default 3: 15 images)")
    ap.add_argument("--threads", type=int, default=2, help="LibTorch threads in total per configuration (even)")
    ap.add_argument("--effort", default="fast")
    ap.add_argument("--rounds", type=int, default=1, help="rounds over all configurations; the table shows medians")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs/results/pipeline"))
    a = ap.parse_args()
    if not os.path.exists(HIFIC[1]):
        sys.exit("build first: dotnet build src/HiFiC.Cli -c Release")
    work = tempfile.mkdtemp(prefix="hific-bench-pipeline-")
    os.makedirs(a.out, exist_ok=True)
    src = os.path.join(work, "src")
    os.makedirs(src)
    pixels = 0
    for c in range(a.copies):
        for s in SAMPLES:
            shutil.copy(os.path.join(ROOT, "samples", s), os.path.join(src, f"c{c}-{s}"))
            with open(os.path.join(ROOT, "samples", s), "rb") as f:
                head = f.read(24)
            pixels += int.from_bytes(head[16:20], "big") * int.from_bytes(head[20:24], "big")
    n = a.copies * len(SAMPLES)
    # Warm-up images for the silos: other names, so the measured job still archives every image.
    warm = os.path.join(work, "warm")
    os.makedirs(warm)
    for i in range(4):
        shutil.copy(os.path.join(ROOT, "samples", SAMPLES[i]), os.path.join(warm, f"w{i}-{SAMPLES[i]}"))
    half = max(1, a.threads // 2)
    az, conn = azurite()
    configs = [("1-silo-depth0", 1, a.threads, 0), ("1-silo-depth1", 1, a.threads, 1), ("2-silos-depth0", 2, half, 0), ("2-silos-depth1", 2, half, 1)]
    runs = {"direct": []}
    try:
        # Rounds interleave every configuration, so a change in the machine's load spreads over all of them.
        for rnd in range(a.rounds):
            t1, tn = run_direct(src, work, a.threads, a.effort)
            per = (tn - t1) / (n - 1)
            runs["direct"].append({"items_per_s": 1 / per, "busy_share": None, "mean_wait_ms": None, "span_s": per * n, "done": n, "failed": 0})
            print(f"round {rnd + 1} direct: {tn:.1f} s for {n} images, {t1:.1f} s for 1 -> {per:.2f} s per image", flush=True)
            for name, silos, threads, depth in configs:
                r = run_cluster(name, silos, threads, depth, src, warm, work, conn, a.effort, a.out)
                r["items_per_s"] = r["done"] / r["span_s"]
                runs.setdefault(name, []).append(r)
                print(f"round {rnd + 1} {name}: {r}", flush=True)
    finally:
        az.terminate()
        az.wait(10)
    labels = {"direct": f"direct `hific compress` ({a.threads} threads)"}
    for name, silos, threads, depth in configs:
        labels[name] = f"{silos} silo{'s' if silos > 1 else ''} x 1 instance x {threads} thread{'s' if threads > 1 else ''}, PipelineDepth {depth}"
    median = lambda xs: sorted(xs)[len(xs) // 2] if len(xs) % 2 else sum(sorted(xs)[len(xs) // 2 - 1:len(xs) // 2 + 1]) / 2
    rows = []
    for name, rs in runs.items():
        row = {"config": labels[name], "name": name, "rounds": rs, "items_per_s": median([r["items_per_s"] for r in rs])}
        for k in ("busy_share", "mean_wait_ms"):
            row[k] = None if rs[0][k] is None else median([r[k] for r in rs])
        row["network_s_per_item"] = None if rs[0]["busy_share"] is None else median([r["busy_s"] / r["done"] for r in rs])
        rows.append(row)
    direct = rows[0]["items_per_s"]
    lines = [f"Images: {n} ({a.copies} copies of {len(SAMPLES)} samples, {pixels / 1e6:.2f} MP), effort {a.effort}, "
             f"{a.threads} LibTorch threads in total per configuration, {os.cpu_count()} cores (shared with other work: compare ratios).", "",
             f"Medians of {a.rounds} round(s); every round runs all configurations in turn (results.json has each round).", "",
             "| configuration | items/s | vs direct | cluster overhead per item | network busy | network s/item (all instances) | mean wait for a model instance |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = r["items_per_s"] / direct
        lines.append(f"| {r['config']} | {r['items_per_s']:.3f} | {ratio:.2f}x | {(1 / r['items_per_s'] - 1 / direct):+.2f} s ({100 * (1 / ratio - 1):+.0f}%) | "
                     + ("-" if r["busy_share"] is None else f"{100 * r['busy_share']:.0f}%") + " | "
                     + ("-" if r["network_s_per_item"] is None else f"{r['network_s_per_item']:.2f} s") + " | "
                     + ("-" if r["mean_wait_ms"] is None else f"{r['mean_wait_ms']:.0f} ms") + " |")
    table = "\n".join(lines)
    print(table)
    stamp = datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"utc": stamp, "rounds": a.rounds, "images": n, "megapixels": pixels / 1e6, "threads": a.threads, "effort": a.effort, "rows": rows}, f, indent=2)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(f"# Silo pipeline benchmark ({stamp})\n\n`python3 scripts/bench-pipeline.py --copies {a.copies} --threads {a.threads} --rounds {a.rounds}`\n\n{table}\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
