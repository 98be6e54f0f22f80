"""Benchmark: parse speed of reports.parsing.parse_report over the corpus and over synthetic bulk text.

DESIGN.md budget: under 5 ms per simplified text report, under 10 ms per saved web page (within
5x of building an lxml tree and reading its table cells: the "lxml floor" printed beside it),
under 60 ms per traditional one, under 150 ms per PDF page, on a 2-core machine. No database,
no Django: the parser is a pure library.

    .venv/bin/python bench/parse_bench.py                 # corpus, 20 rounds
    .venv/bin/python bench/parse_bench.py --rounds 50 --stages
    .venv/bin/python bench/parse_bench.py --bulk 10000    # plus 10,000 synthetic text reports
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agencies.divisions import default_gazetteer  # noqa: E402
from reports.parsing import checks, decode, detect, layouts, metadata, normalize, parse_report  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
TEXT_KINDS = {".txt"}


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in (".json", ".md"))


def pdf_pages(data: bytes) -> int:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def lxml_floor(files: list[Path], rounds: int) -> tuple[float, float]:
    """Median ms (wall, CPU) to build an lxml tree of a saved page and read every <tr>/<td>:
    what any HTML reader must spend, the yardstick of the 10 ms budget."""
    from lxml import html as lxml_html

    wall, cpu = [], []
    for path in files:
        data = path.read_bytes()
        per_file, per_file_cpu = [], []
        for _ in range(rounds):
            t0, c0 = time.perf_counter(), time.process_time()
            doc = lxml_html.document_fromstring(data)
            for tr in doc.iter("tr"):
                for td in tr.iter("td", "th"):
                    td.text_content()
            per_file.append((time.perf_counter() - t0) * 1000)
            per_file_cpu.append((time.process_time() - c0) * 1000)
        wall.append(statistics.median(per_file))
        cpu.append(statistics.median(per_file_cpu))
    return (statistics.median(wall), statistics.median(cpu)) if wall else (0.0, 0.0)


def time_corpus(files: list[Path], rounds: int, gazetteer) -> list[dict]:
    rows = []
    for path in files:
        data = path.read_bytes()
        result = parse_report(data, filename=path.name, divisions=gazetteer)  # warm caches
        samples, cpu = [], []
        for _ in range(rounds):
            t0, c0 = time.perf_counter(), time.process_time()
            parse_report(data, filename=path.name, divisions=gazetteer)
            samples.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        pages = pdf_pages(data) if path.suffix.lower() == ".pdf" else 1
        rows.append({"file": path.relative_to(CORPUS) if path.is_relative_to(CORPUS) else path,
                     "kind": path.suffix.lower(), "script": result.script, "ok": result.ok,
                     "median": statistics.median(samples), "max": max(samples),
                     "pages": pages, "per_page": statistics.median(samples) / pages, "path": path,
                     "cpu_per_page": statistics.median(cpu) / pages, "cpu": statistics.median(cpu)})
    return rows


def time_stages(files: list[Path], rounds: int, gazetteer) -> dict[str, float]:
    """Median ms per stage over the text files (where the 5 ms budget applies)."""
    totals: dict[str, list[float]] = {k: [] for k in ("decode", "normalize", "detect", "metadata", "layouts", "checks")}
    for path in files:
        if path.suffix.lower() not in TEXT_KINDS:
            continue
        data = path.read_bytes()
        for _ in range(rounds):
            t0 = time.perf_counter()
            ex = decode.extract_text(data, filename=path.name)
            t1 = time.perf_counter()
            norm = normalize.normalize(ex.text)
            t2 = time.perf_counter()
            layout = detect.detect_layout(norm.text)
            t3 = time.perf_counter()
            meta = metadata.extract_metadata(norm.text, divisions=gazetteer)
            t4 = time.perf_counter()
            figures, _ = layouts.extract(layout, norm.text)
            t5 = time.perf_counter()
            checks.run_checks(figures, year=meta.year, multi_year=meta.multi_year)
            t6 = time.perf_counter()
            for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
                totals[key].append(dt * 1000)
    return {k: statistics.median(v) for k, v in totals.items() if v}


def synthetic_reports(n: int, seed: int = 7) -> list[tuple[str, bytes]]:
    """n text reports built in memory from the corpus texts: a new agency line, year and
    numbers, and every few reports re-encoded (GB18030, Big5, UTF-16) as uploads arrive."""
    rng = random.Random(seed)
    bases = []
    for path in corpus_files(CORPUS):
        if path.suffix.lower() in TEXT_KINDS:
            ex = decode.extract_text(path.read_bytes(), filename=path.name)
            bases.append(ex.text)
    out = []
    for i in range(n):
        base = rng.choice(bases)
        year = rng.randint(2009, 2024)
        county = rng.choice(("海淀区", "洪泽区", "平潭县", "定州市", "福清市", "鼓楼区"))
        text = f"{county}人民政府{year}年政府信息公开工作年度报告\n" + base
        # Perturb a few numbers so no two reports are byte-identical.
        text = text.replace("1", str(rng.randint(1, 9)), rng.randint(1, 5))
        encoding = ("utf-8", "utf-8", "utf-8", "gb18030", "utf-16")[i % 5]
        data = text.encode(encoding, errors="replace")
        out.append((f"synthetic-{i:05d}.txt", data))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20, help="timed parses per corpus file")
    ap.add_argument("--bulk", type=int, default=0, help="also parse this many synthetic text reports")
    ap.add_argument("--stages", action="store_true", help="print the median time of each pipeline stage")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    # On a machine shared with other work the wall clock also counts their turns: the CPU time
    # of the parsing process is printed beside it (load average at the start, too).
    args = ap.parse_args()

    import os

    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    gazetteer = default_gazetteer()
    print(f"gazetteer loaded in {(time.perf_counter() - t0) * 1000:.0f} ms (once per process)")
    files = corpus_files(args.corpus)
    rows = time_corpus(files, args.rounds, gazetteer)
    total_ms = sum(r["median"] for r in rows)
    print(f"corpus: {len(rows)} files x {args.rounds} rounds; "
          f"{len(rows) / (total_ms / 1000):.1f} reports/second overall (median per file, all kinds)")
    for label, pick in (("simplified text", lambda r: r["kind"] in TEXT_KINDS and r["script"] == "simplified"),
                        ("traditional text", lambda r: r["kind"] in TEXT_KINDS and r["script"] == "traditional"),
                        ("html", lambda r: r["kind"] in (".html", ".htm")),
                        ("pdf", lambda r: r["kind"] == ".pdf"),
                        ("docx", lambda r: r["kind"] == ".docx")):
        chosen = [r for r in rows if pick(r)]
        if chosen:
            med = statistics.median(r["median"] for r in chosen)
            worst = max(chosen, key=lambda r: r["max"])
            extra = ""
            if label == "pdf":
                # CPU time too: on a shared machine the wall clock counts other processes' turns
                extra = (f"  ({statistics.median(r['per_page'] for r in chosen):.1f} ms per page, "
                         f"CPU {statistics.median(r['cpu_per_page'] for r in chosen):.1f} ms per page, "
                         f"{sum(r['pages'] for r in chosen)} pages)")
            cpu = statistics.median(r["cpu"] for r in chosen)
            if label == "html":
                floor, floor_cpu = lxml_floor([r["path"] for r in chosen], args.rounds)
                extra = (f"  (lxml floor {floor:.2f} ms, CPU {floor_cpu:.2f} ms: tree + every <tr>/<td>; "
                         f"{med / floor:.1f}x wall, {cpu / floor_cpu:.1f}x CPU)")
            print(f"  {label:17s} n={len(chosen):3d}  median {med:7.2f} ms (CPU {cpu:6.2f} ms)  "
                  f"max {worst['max']:7.2f} ms ({worst['file']}){extra}")
    slowest = max(rows, key=lambda r: r["median"])
    print(f"slowest file: {slowest['file']} median {slowest['median']:.2f} ms")
    slowest_text = max((r for r in rows if r["kind"] in TEXT_KINDS), key=lambda r: r["median"], default=None)
    if slowest_text:
        print(f"slowest text file: {slowest_text['file']} median {slowest_text['median']:.2f} ms")
    if args.stages:
        print("stages (median ms per text report): " + ", ".join(
            f"{k} {v:.2f}" for k, v in time_stages(files, max(3, args.rounds // 4), gazetteer).items()))
    if args.bulk:
        reports = synthetic_reports(args.bulk)
        t0 = time.perf_counter()
        failed = 0
        for name, data in reports:
            failed += not parse_report(data, filename=name, divisions=gazetteer).ok
        elapsed = time.perf_counter() - t0
        print(f"bulk: {len(reports)} synthetic text reports parsed in {elapsed:.1f} s "
              f"({len(reports) / elapsed:.0f} reports/second, {elapsed / len(reports) * 1000:.2f} ms each, "
              f"{failed} failed)")


if __name__ == "__main__":
    main()
