"""Benchmark: crawler.extract against trafilatura.extract, body quality and speed, in one run.

(a) AEB, the Article Extraction Benchmark (181 real news pages with human-checked bodies):
    every page through crawler.extract (URL given) and through trafilatura.extract with default
    settings, both scored by the benchmark's own evaluate.py in a temporary copy of the dataset
    (word 4-gram F1; the published outputs in output/ are scored side by side), and both timed
    over the same pages in this one process: pages per second of the whole extraction (lead,
    metadata, teasers) against trafilatura computing the body alone.
(b) Synthetic aggregator article pages from ../shared/layouts (generate.generate(seed), scored
    with score.py's own functions in-process): lead checks (headline, source, time, body first
    and last sentence, no noise in the body) and related-teaser F1.

    .venv/bin/python benchmarks/extract.py [--seeds 10000-10499] [--shared ../shared] [-v]

Develop on seeds below 10000 (--seeds 0-499); the default range is kept for reports.
Last line: bench extract aeb_f1=... trafilatura_aeb_f1=... layouts_lead=... layouts_related_f1=...
pages_per_s=... trafilatura_pages_per_s=... ratio=<pages_per_s / trafilatura_pages_per_s>
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import extract, lead_to_json, teaser_to_json  # noqa: E402

_F1_LINE = re.compile(r"^(\S+)\s+(\S*)\s+([0-9.]+) ± ([0-9.]+)\s+([0-9.]+) ± [0-9.]+\s+([0-9.]+) ± ")
BODY_CHECKS = ("body_first", "body_last", "body_clean")


def load_aeb(aeb: Path) -> list[tuple[str, str, bytes]]:
    """(id, url, html bytes) for every page of the benchmark, in id order."""
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    return [(pid, truth[pid].get("url") or "", gzip.decompress((aeb / "html" / f"{pid}.html.gz").read_bytes()))
            for pid in sorted(truth)]


def run_both(pages: list[tuple[str, str, bytes]], passes: int = 2
             ) -> tuple[dict[str, str], dict[str, str], float, float]:
    """Bodies by page id from crawler.extract (URL given) and trafilatura.extract (defaults), and
    the CPU seconds each spent per pass. The two alternate page by page, and which goes first
    alternates too; CPU time rather than wall time, so a busy neighbour on a shared machine
    (these have two cores) does not count against either."""
    import trafilatura

    ours: dict[str, str] = {}
    theirs: dict[str, str] = {}
    t_ours = t_theirs = 0.0
    for _rep in range(passes):
        for n, (pid, url, html) in enumerate(pages):
            for side in ((0, 1) if n % 2 == 0 else (1, 0)):
                start = time.process_time()
                if side == 0:
                    lead = extract(html, url=url or None).lead
                    ours[pid] = (lead.body if lead else None) or ""
                    t_ours += time.process_time() - start
                else:
                    theirs[pid] = trafilatura.extract(html) or ""
                    t_theirs += time.process_time() - start
    return ours, theirs, t_ours / passes, t_theirs / passes


def evaluate_aeb(aeb: Path, outputs: dict[str, dict[str, str]], keep: Path | None) -> dict[str, tuple[float, float, float, float]]:
    """Score `outputs` ({name: {id: body}}) with the benchmark's evaluate.py beside the published ones.

    Returns {name: (f1, f1_std, precision, recall)} for every system evaluate.py printed."""
    tmp = Path(tempfile.mkdtemp(prefix="aeb-"))
    try:
        work = tmp / "aeb"
        shutil.copytree(aeb, work, ignore=shutil.ignore_patterns("html"))
        for name, bodies in outputs.items():
            doc = {"version": "local", "output": {pid: {"articleBody": body} for pid, body in bodies.items()}}
            (work / "output" / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for name in outputs:
                shutil.copy(work / "output" / f"{name}.json", keep / f"{name}.json")
        proc = subprocess.run([sys.executable, "evaluate.py", "--n-bootstrap", "100"], cwd=work,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"evaluate.py failed: {proc.stderr.strip()[-500:]}")
        print(proc.stdout.rstrip())
        scores = {}
        for line in proc.stdout.splitlines():
            m = _F1_LINE.match(line)
            if m:
                scores[m.group(1)] = (float(m.group(3)), float(m.group(4)), float(m.group(5)), float(m.group(6)))
        return scores
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def layouts(layouts_dir: Path, seeds_spec: str, verbose: bool) -> dict:
    """Generate pages in-process and score them with score.py's own functions."""
    sys.path.insert(0, str(layouts_dir))
    sys.dont_write_bytecode = True  # shared/ may be read-only
    import generate  # type: ignore[import-not-found]
    import score  # type: ignore[import-not-found]

    seeds = generate.parse_seeds(seeds_spec)
    results = []
    body_fail: dict[str, int] = defaultdict(int)
    for seed in seeds:
        html, truth = generate.generate(seed)
        now = datetime.fromisoformat(truth["fetched_at"].replace("Z", "+00:00"))
        got = extract(html, url=truth["page_url"], fetched_at=now)
        out = {"lead": lead_to_json(got.lead), "related": [teaser_to_json(t) for t in got.related]}
        x = score.score_page(truth, out)
        x["knobs"] = truth["knobs"]
        results.append(x)
        notes = [n for n in x["notes"] if n.startswith(("lead body", "error"))]
        for n in notes:
            body_fail[n.split(":")[0]] += 1
        if verbose and notes:
            k = truth["knobs"]
            print(f"page-{seed} {k['lang']}/{k['family']}/{k['delivery']}")
            for n in notes:
                print("   ", n[:300])
    main_res = [x for x in results if not x["needs_js"]]
    s = score.summarise(main_res)
    s["pages"] = len(results)
    s["body_fail"] = dict(body_fail)
    # Share of pages (without needs_js) passing each body check; a page in error fails all three.
    checks = {"first": "lead body_first", "last": "lead body_last", "clean": "lead body_clean"}
    s["body_pass"] = {name: sum(1 for x in main_res if not x["error"] and not any(
        n.startswith(note) for n in x["notes"])) / max(1, len(main_res)) for name, note in checks.items()}
    s["errors"] = sum(1 for x in results if x["error"])
    return s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="folder holding datasets/aeb and layouts (default: ../shared beside the project)")
    ap.add_argument("--seeds", default="10000-10499", help="layout seeds (develop on 0-499; default kept for reports)")
    ap.add_argument("--keep-output", type=Path, help="also write the AEB output/<name>.json files here")
    ap.add_argument("--no-layouts", action="store_true", help="AEB only")
    ap.add_argument("-v", "--verbose", action="store_true", help="per-page body failures on the layouts")
    args = ap.parse_args()
    aeb, layouts_dir = args.shared / "datasets" / "aeb", args.shared / "layouts"
    missing = [str(p) for p in (aeb / "ground-truth.json", aeb / "evaluate.py", layouts_dir / "generate.py",
                                layouts_dir / "score.py") if not p.exists()]
    if missing:
        print(f"bench extract: shared benchmark data not found ({', '.join(missing)}); "
              f"put the shared folder beside the project or pass --shared DIR", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)  # trafilatura logs every page it discards
    import trafilatura

    pages = load_aeb(aeb)
    # Warm-up outside the clock: imports, compiled patterns, caches on both sides.
    for _pid, url, html in pages[:3]:
        extract(html, url=url)
        trafilatura.extract(html)
    ours, theirs, t_ours, t_theirs = run_both(pages)
    scores = evaluate_aeb(aeb, {"crawler_extract": ours, "trafilatura_local": theirs}, args.keep_output)
    pps, tpps = len(pages) / t_ours, len(pages) / t_theirs
    print(f"aeb pages={len(pages)} ours {pps:.1f} pages per CPU-second (whole extraction), "
          f"trafilatura.extract defaults {tpps:.1f} pages/s (body only), version {trafilatura.__version__}")

    lay = {"lead": float("nan"), "f1": float("nan")}
    if not args.no_layouts:
        lay = layouts(layouts_dir, args.seeds, args.verbose)
        print(f"layouts seeds={args.seeds} pages={lay['pages']} lead={lay['lead']:.3f} related_p={lay['p']:.3f} "
              f"related_r={lay['r']:.3f} related_f1={lay['f1']:.3f} fields={lay['fields']:.3f} "
              f"errors={lay['errors']}")
        bp = lay["body_pass"]
        print(f"layouts body checks (share of pages passing): first_sentence={bp['first']:.3f} "
              f"last_sentence={bp['last']:.3f} no_noise={bp['clean']:.3f}; failures {lay['body_fail']}")
    print(f"bench extract aeb_f1={scores['crawler_extract'][0]:.3f} "
          f"trafilatura_aeb_f1={scores['trafilatura_local'][0]:.3f} layouts_lead={lay['lead']:.3f} "
          f"layouts_related_f1={lay['f1']:.3f} pages_per_s={pps:.1f} trafilatura_pages_per_s={tpps:.1f} "
          f"ratio={pps / tpps:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
