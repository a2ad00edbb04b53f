#!/usr/bin/env python3
"""Aggregates Benchmarks/run's raw results (one JSON line per implementation, size and round):
medians across rounds, ratios, the issue's targets; writes results.csv and results.json and
prints the table. Standard library only.

Usage: aggregate.py RAW_JSONL OUT_DIR   (the machine description comes from BENCH_* variables)
"""
import csv
import json
import os
import statistics
import sys

IMPLS = ["tillit-tls", "tillit-plain", "grpc-http2", "grpc-inprocess", "nio-echo", "c-pingpong"]
LEVELS = ["1", "32", "128"]
SIZE_NAMES = {100: "100 B", 65536: "64 KiB"}


def load(path):
    """The raw lines, grouped by (impl, size) in run order."""
    runs = {}
    with open(path) as raw:
        for line in raw:
            if line.strip():
                entry = json.loads(line)
                result = entry["result"]
                result["round"] = entry["round"]
                runs.setdefault((result["impl"], result["size"]), []).append(result)
    return runs


def medians(results):
    """The medians across rounds of one implementation and size."""
    row = {
        "rounds": len(results),
        "seq_p50_us": statistics.median(r["seq_p50_us"] for r in results),
        "seq_p99_us": statistics.median(r["seq_p99_us"] for r in results),
        "max_rss_mib": statistics.median(r["max_rss_kib"] for r in results) / 1024,
        "topology": results[0]["topology"],
    }
    for level in LEVELS:
        row["tput_" + level] = statistics.median(r["throughput"][level] for r in results)
    return row


def ratio(a, b):
    """a / b, or None when b is missing or zero."""
    return a / b if a is not None and b else None


def targets(table, size):
    """The issue's targets for one size, with Tillit default (TLS) and plaintext."""
    rows = table[size]
    tls, plain = rows["tillit-tls"], rows["tillit-plain"]
    c, http2, inproc = rows["c-pingpong"], rows["grpc-http2"], rows["grpc-inprocess"]
    checks = []
    for name, row in (("tillit-tls", tls), ("tillit-plain", plain)):
        value = ratio(row["seq_p50_us"], c["seq_p50_us"])
        checks.append({"target": f"{name} sequential p50 <= 1.5x c-pingpong", "value": value,
                       "limit": 1.5, "met": value <= 1.5})
        value = ratio(row["tput_32"], http2["tput_32"])
        checks.append({"target": f"{name} throughput@32 >= 20x grpc-http2", "value": value,
                       "limit": 20, "met": value >= 20})
        value = ratio(row["tput_32"], inproc["tput_32"])
        checks.append({"target": f"{name} throughput@32 >= 3x grpc-inprocess", "value": value,
                       "limit": 3, "met": value >= 3})
    for level in ("1", "32", "128"):
        below = 1 - ratio(tls["tput_" + level], plain["tput_" + level])
        checks.append({"target": f"TLS throughput@{level} <= 25% below plaintext", "value": below,
                       "limit": 0.25, "met": below <= 0.25})
    return checks


def fmt(value, digits=0):
    """A number for the table."""
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def change(fraction):
    """A TLS/plaintext throughput ratio as text: how far below (or above) plaintext."""
    if fraction is None:
        return "-"
    if fraction <= 1:
        return f"{100 * (1 - fraction):.1f} % below plaintext"
    return f"{100 * (fraction - 1):.1f} % above plaintext"


def print_table(table, checks):
    """The medians, the ratios and the targets, as text."""
    for size in sorted(table):
        rows = table[size]
        http2, inproc, c = rows["grpc-http2"], rows["grpc-inprocess"], rows["c-pingpong"]
        print(f"\n### {SIZE_NAMES.get(size, str(size) + ' B')} payload (medians of {rows['c-pingpong']['rounds']} rounds)\n")
        print("| impl | seq p50 µs | seq p99 µs | calls/s @1 | @32 | @128 | peak RSS MiB "
              "| @32 / grpc-http2 | @32 / grpc-inproc | p50 / C |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for impl in IMPLS:
            row = rows.get(impl)
            if row is None:
                continue
            print(f"| {impl} | {fmt(row['seq_p50_us'], 1)} | {fmt(row['seq_p99_us'], 1)} "
                  f"| {fmt(row['tput_1'])} | {fmt(row['tput_32'])} | {fmt(row['tput_128'])} "
                  f"| {fmt(row['max_rss_mib'], 1)} "
                  f"| {fmt(ratio(row['tput_32'], http2['tput_32']), 2)}x "
                  f"| {fmt(ratio(row['tput_32'], inproc['tput_32']), 2)}x "
                  f"| {fmt(ratio(row['seq_p50_us'], c['seq_p50_us']), 2)}x |")
        tls, plain = rows["tillit-tls"], rows["tillit-plain"]
        print(f"\nTLS vs plaintext (Tillit): sequential p50 {fmt(ratio(tls['seq_p50_us'], plain['seq_p50_us']), 2)}x "
              "plaintext's; throughput " + ", ".join(
                  f"@{level} {change(ratio(tls['tput_' + level], plain['tput_' + level]))}" for level in LEVELS))
        print("\nTargets:")
        for check in checks[size]:
            value = check["value"]
            shown = change(1 - value) if "%" in check["target"] else f"{value:.2f}x"
            print(f"  [{'met' if check['met'] else 'NOT met'}] {check['target']}: {shown}")


def machine():
    """The BENCH_* description the run script exported."""
    env = os.environ
    return {
        "uname": env.get("BENCH_UNAME"), "cpu": env.get("BENCH_CPU"), "nproc": env.get("BENCH_NPROC"),
        "memory": env.get("BENCH_MEMORY"), "swift": env.get("BENCH_SWIFT"), "gcc": env.get("BENCH_GCC"),
        "date": env.get("BENCH_DATE"), "git_commit": env.get("BENCH_GIT_COMMIT"),
        "git_uncommitted": env.get("BENCH_GIT_RPC_DIRTY"), "load_average_at_start": env.get("BENCH_LOAD_AT_START"),
        "load_average_before_measuring": env.get("BENCH_LOAD_BEFORE_RUN"),
        "load_average_at_end": env.get("BENCH_LOAD_AT_END"),
        "build_seconds": int(env.get("BENCH_BUILD_SECONDS", "0")),
        "run_seconds": int(env.get("BENCH_RUN_SECONDS", "0")),
    }


def main():
    raw_path, out = sys.argv[1], sys.argv[2]
    runs = load(raw_path)
    table = {}
    for (impl, size), results in runs.items():
        table.setdefault(size, {})[impl] = medians(results)
    checks = {size: targets(table, size) for size in table}

    with open(os.path.join(out, "results.csv"), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["impl", "impl_index", "size", "rounds", "seq_p50_us", "seq_p99_us",
                         "tput_1", "tput_32", "tput_128", "max_rss_mib"])
        for size in sorted(table):
            for index, impl in enumerate(IMPLS):
                row = table[size].get(impl)
                if row:
                    writer.writerow([impl, index, size, row["rounds"], f"{row['seq_p50_us']:.2f}",
                                     f"{row['seq_p99_us']:.2f}", f"{row['tput_1']:.0f}",
                                     f"{row['tput_32']:.0f}", f"{row['tput_128']:.0f}",
                                     f"{row['max_rss_mib']:.1f}"])

    settings = {key.lower(): os.environ.get("BENCH_" + key) for key in
                ("ROUNDS", "SECONDS", "SEQUENTIAL", "WARMUP")}
    document = {
        "machine": machine(),
        "settings": settings,
        "command": "Benchmarks/run",
        "medians": {str(size): table[size] for size in sorted(table)},
        "targets": {str(size): checks[size] for size in sorted(checks)},
        "runs": [r for key in sorted(runs) for r in runs[key]],
    }
    with open(os.path.join(out, "results.json"), "w") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")

    m = document["machine"]
    print(f"\nMachine: {m['cpu']}, {m['nproc']} cores, {m['memory']}; {m['swift']}; {m['date']}; "
          f"load average at start {m['load_average_at_start']}, before measuring "
          f"{m['load_average_before_measuring']}, at end {m['load_average_at_end']}")
    print(f"Root package: commit {m['git_commit']} ({m['git_uncommitted']})")
    print(f"Settings: {settings['rounds']} rounds, {settings['warmup']} warm-up + {settings['sequential']} "
          f"sequential calls, {settings['seconds']} s per in-flight level; build {m['build_seconds']} s, "
          f"measurements {m['run_seconds']} s")
    print("Topology: each implementation in a fresh process, server and client in that process.")
    print_table(table, checks)
    print(f"\nwrote {os.path.join(out, 'results.csv')} and {os.path.join(out, 'results.json')}")


if __name__ == "__main__":
    main()
