"""Planner benchmark: time, peak memory and quality, against a naive cyclic baseline.

    .venv/bin/python bench/planner.py            # all cases
    .venv/bin/python bench/planner.py --quick    # the example and 50 × 2,000 only

Each case runs in a fresh process so peak memory (ru_maxrss) is that case's own. The baseline
seats person i in round r with team (i + r) mod T: the fastest thing that keeps "nobody sees a
team twice" and ignores capacity, jury, preferences and mixing. Targets (issue 2): the example
under 0.5 s; 200 teams × 10,000 audience under 10 s and 1 GiB with no hard-rule violation.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASES = {
    "example (8 × 60)": None,
    "50 teams × 2,000": {"teams": 50, "audience": 2000, "jury": 60},
    "200 teams × 10,000": {"teams": 200, "audience": 10000, "jury": 200},
    "200 × 10,000, skewed wishes": {"teams": 200, "audience": 10000, "jury": 200, "skew": True},
}


def _programme(case: str):  # type: ignore[no-untyped-def]
    from schedules.example import ExampleSpec, generate
    from schedules.programme import load_programme

    spec = CASES[case]
    if spec is None:
        return load_programme(ROOT / "examples" / "bip-2025" / "programme.toml")
    folder = Path(tempfile.mkdtemp(prefix="rota-bench-"))
    toml, csv = generate(
        ExampleSpec(
            event_id="bench", teams=spec["teams"], audience=spec["audience"], jury=spec["jury"]
        )
    )
    (folder / "programme.toml").write_text(toml)
    (folder / "roster.csv").write_text(csv)
    programme = load_programme(folder / "programme.toml")
    if spec.get("skew"):  # everyone wishes for the same three teams, in the same order
        people = tuple(
            replace(p, preferences=("t1", "t2", "t3")) if p.role == "audience" else p
            for p in programme.participants
        )
        programme = replace(programme, participants=people)
    return programme


def _baseline(programme) -> dict:  # type: ignore[no-untyped-def]
    from schedules.context import Context

    teams = [t.id for t in programme.teams]
    people = [p for p in programme.participants if p.planned]
    seen_ok = True
    capacity_breaks = 0
    capacity = {t.id: programme.room_by_id[t.room].capacity for t in programme.teams}
    met = 0
    ctx = Context.build(programme)
    for r in range(programme.rotation.rounds):
        counts: dict[str, int] = {}
        for i, _person in enumerate(people):
            if ctx.available[i, r]:
                team = teams[(i + r) % len(teams)]
                counts[team] = counts.get(team, 0) + 1
        capacity_breaks += sum(c > capacity[t] for t, c in counts.items())
    for i, person in enumerate(people):
        mine = {
            teams[(i + r) % len(teams)]
            for r in range(programme.rotation.rounds)
            if ctx.available[i, r]
        }
        met += sum(t in mine for t in person.preferences)
    return {"seen_ok": seen_ok, "capacity_breaks": capacity_breaks, "preferences_met": met}


def run_one(case: str) -> dict:
    from schedules.planner import plan_rotation
    from schedules.quality import violations

    programme = _programme(case)
    started = time.perf_counter()
    plan = plan_rotation(programme, seed=0)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    base = _baseline(programme)
    base_seconds = time.perf_counter() - started
    broken = violations(programme, plan)
    stats = plan.stats
    sizes = [(r["min"], r["max"]) for r in stats["rounds"]]
    return {
        "case": case,
        "seconds": seconds,
        "baseline_seconds": base_seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "violations": len(broken),
        "first_violation": broken[:1],
        "spread": max(hi - lo for lo, hi in sizes),
        "prefs_met": stats["preferences"]["met"],
        "prefs_bound": stats["preferences"]["upper_bound"],
        "first_choice": f"{stats['preferences']['first']['met']}/"
        f"{stats['preferences']['first']['asked']}",
        "baseline_prefs_met": base["preferences_met"],
        "baseline_capacity_breaks": base["capacity_breaks"],
        "jury_min": min(stats["jury"]["coverage"].values()),
        "jury_need": stats["jury"]["per_team"],
        "mixing": stats["mixing"]["institution_share"],
        "optimality": stats.get("optimality", {}).get("text", "—"),
        "exact_note": stats.get("optimality", {}).get("note", ""),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    cases = list(CASES)[:2] if args.quick else list(CASES)
    rows = []
    for case in cases:
        out = subprocess.run(
            [sys.executable, __file__, "--one", case], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(out.stdout))
    print(
        f"{'case':<30}{'plan s':>8}{'base s':>8}{'peak MiB':>10}{'viol.':>7}{'spread':>7}"
        f"{'wishes met/bound':>18}{'base met':>10}{'1st choice':>13}{'jury min':>9}"
        f"{'mixing':>8}"
    )
    for r in rows:
        print(
            f"{r['case']:<30}{r['seconds']:>8.2f}{r['baseline_seconds']:>8.2f}"
            f"{r['peak_mib']:>10.0f}{r['violations']:>7}{r['spread']:>7}"
            f"{str(r['prefs_met']) + '/' + str(r['prefs_bound']):>18}"
            f"{r['baseline_prefs_met']:>10}{r['first_choice']:>13}"
            f"{str(r['jury_min']) + '/' + str(r['jury_need']):>9}{r['mixing']:>8.2f}"
        )
    print()
    for r in rows:
        gap = r["prefs_bound"] - r["prefs_met"]
        ratio = (
            r["prefs_met"] / r["baseline_prefs_met"] if r["baseline_prefs_met"] else float("inf")
        )
        print(
            f"{r['case']}: wishes met {ratio:.2f}× the cyclic baseline; gap to the upper "
            f"bound {gap} ({gap / max(r['prefs_bound'], 1):.1%}); baseline overfills "
            f"{r['baseline_capacity_breaks']} room-rounds; plan: {r['optimality']}"
            + (f" ({r['exact_note']})" if r["exact_note"] else "")
        )
    ok = all(r["violations"] == 0 for r in rows)
    example = rows[0]
    largest = [r for r in rows if r["case"].startswith("200")]
    verdict = [f"example {example['seconds']:.3f} s (target < 0.5 s)"]
    verdict += [
        f"{r['case']} {r['seconds']:.2f} s, {r['peak_mib']:.0f} MiB (targets < 10 s, < 1024 MiB)"
        for r in largest
    ]
    print("\n" + "; ".join(verdict) + f"; hard-rule violations: {'none' if ok else 'SOME'}")


if __name__ == "__main__":
    main()
