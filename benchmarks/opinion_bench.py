"""Opinion engine on Pol.is's open data, side by side with the groups Pol.is assigned.

Usage::

    PYTHONPATH=src python benchmarks/opinion_bench.py [--agreement [--seeds=N] [--no-replay]]
        [--no-large]
        [MIRROR_DIR]

With ``--agreement``, the groups of the two Pol.is conversations are compared with Pol.is's for
seeds 0 .. N-1 (default 3), after replaying each conversation's updates from its vote
timestamps as Pol.is computed them (``--no-replay``: from the final votes alone); the last line
gives, per conversation, the adjusted Rand index of seed 0 (the platform's seed) and its
minimum and median over the seeds.

Without ``--agreement`` only the performance part runs: seeded synthetic conversations with
planted groups (10,000 participants × 1,000 statements at 5 % density, which must take under
2 s, and 100,000 × 2,000 at 5 %, which must complete), BLAS limited to one thread per the
tests. The last line is machine-readable ``key=value`` pairs.

MIRROR_DIR defaults to ``$MAILLAGE_DATA_MIRROR`` or ``../shared/data``. Data: compdemocracy/
openData, CC BY 4.0, attribution to The Computational Democracy Project
(compdemocracy.org/polis).
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from maillage.engines.opinion import (
    OpinionParams,
    VoteMatrix,
    group_agreement,
    opinion_map,
    read_polis_export,
    replay_updates,
)
from maillage.engines.opinion.polis_export import polis_labels

CONVERSATIONS = ("15-per-hour-seattle", "brexit-consensus")
SHORT_NAMES = {"15-per-hour-seattle": "seattle", "brexit-consensus": "brexit"}


def synthetic_votes(
    n_participants: int,
    n_statements: int,
    *,
    density: float = 0.05,
    n_groups: int = 4,
    seed: int = 0,
) -> VoteMatrix:
    """Seeded conversation with ``n_groups`` planted groups, each voting along its own profile."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, n_participants)
    # Each group agrees with a statement with its own probability; a tenth of votes are passes.
    p_agree = rng.uniform(0.1, 0.9, size=(n_groups, n_statements)).astype(np.float32)
    values = np.full((n_participants, n_statements), np.nan)
    chunk = 10_000
    for start in range(0, n_participants, chunk):
        stop = min(start + chunk, n_participants)
        shape = (stop - start, n_statements)
        seen = rng.random(shape, dtype=np.float32) < density
        agree = rng.random(shape, dtype=np.float32) < p_agree[group[start:stop]]
        passed = rng.random(shape, dtype=np.float32) < 0.1
        block = np.where(agree, 1.0, -1.0)
        block[passed] = 0.0
        block[~seen] = np.nan
        values[start:stop] = block
    return VoteMatrix(np.arange(n_participants), np.arange(n_statements), values)


def timed_map(votes: VoteMatrix, *, trace: bool) -> tuple[float, float, float]:
    """Wall seconds and CPU seconds of ``opinion_map`` (BLAS on one thread), peak memory in MB.

    CPU seconds are reported beside wall time because the development machines are shared:
    under load, wall time measures the neighbours as much as the engine. With ``trace``, the
    peak is tracemalloc's peak of allocations made during the call (numpy arrays included);
    otherwise the process's maximum resident set size (``ru_maxrss``).
    """
    if trace:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(limits=1):
        opinion_map(votes, OpinionParams(seed=0))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return seconds, cpu_seconds, peak / 2**20
    return seconds, cpu_seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_update(votes: VoteMatrix, *, batch: float = 0.01, seed: int = 1) -> tuple[int, int]:
    """Bridging iterations from scratch and after a new batch of votes (``previous`` given).

    The batch adds ``batch`` × cells new votes; the update starts from the previous map's
    factors, the work it can reuse.
    """
    rng = np.random.default_rng(seed)
    with threadpool_limits(limits=1):
        first = opinion_map(votes, OpinionParams(seed=0))
        values = votes.values.copy()
        new = np.isnan(values) & (rng.random(values.shape, dtype=np.float32) < batch)
        values[new] = rng.choice([-1.0, 0.0, 1.0], size=int(new.sum()))
        more = VoteMatrix(votes.participant_ids, votes.statement_ids, values)
        cold = opinion_map(more, OpinionParams(seed=0))
        warm = opinion_map(more, OpinionParams(seed=0), previous=first)
    return cold.bridging_fit.n_iter, warm.bridging_fit.n_iter


def performance(large: bool) -> str:
    n_p, n_s = 10_000, 1_000
    votes = synthetic_votes(n_p, n_s, seed=0)
    with threadpool_limits(limits=1):
        opinion_map(votes, OpinionParams(seed=0))  # warm-up (imports, caches)
    runs = [timed_map(votes, trace=False) for _ in range(3)]
    seconds, cpu_seconds = min(r[0] for r in runs), min(r[1] for r in runs)
    _, _, peak_mb = timed_map(votes, trace=True)
    cold_iter, warm_iter = timed_update(votes)
    print(
        f"{n_p} x {n_s} at 5 %: {seconds:.2f} s wall, {cpu_seconds:.2f} s CPU (limit 2 s), "
        f"peak {peak_mb:.0f} MB; bridging iterations after 1 % more votes: {cold_iter} from "
        f"scratch, {warm_iter} from the previous map"
    )
    line = (
        f"n_participants={n_p} n_statements={n_s} seconds={seconds:.3f} "
        f"cpu_seconds={cpu_seconds:.3f} peak_mb={peak_mb:.0f} "
        f"update_iter_cold={cold_iter} update_iter_warm={warm_iter}"
    )
    if large:
        del votes
        big = synthetic_votes(100_000, 2_000, seed=0)
        large_seconds, large_cpu, large_peak = timed_map(big, trace=False)
        print(
            f"100000 x 2000 at 5 %: {large_seconds:.1f} s wall, {large_cpu:.1f} s CPU, "
            f"max RSS {large_peak:.0f} MB"
        )
        line += (
            f" large_seconds={large_seconds:.1f} large_cpu_seconds={large_cpu:.1f}"
            f" large_peak_mb={large_peak:.0f}"
        )
    return line


def main(argv: list[str]) -> int:
    flags = {a.split("=")[0] for a in argv[1:] if a.startswith("--")}
    n_seeds = next((int(a.split("=")[1]) for a in argv[1:] if a.startswith("--seeds=")), 3)
    argv = [argv[0]] + [a for a in argv[1:] if not a.startswith("--")]
    if "--agreement" not in flags:
        print(performance(large="--no-large" not in flags))
        return 0
    default = (
        os.environ.get("MAILLAGE_DATA_MIRROR")
        or Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
    root = Path(argv[1] if len(argv) > 1 else default) / "polis"
    if not root.is_dir():
        print(f"no Pol.is data under {root}", file=sys.stderr)
        return 1
    print(
        f"{'conversation':22} {'seed':>4} {'k':>2} {'Pol.is k':>8} {'sizes':>12} "
        f"{'Pol.is sizes':>12} {'n':>4} {'ARI':>6} {'matched':>7} {'ms':>6}"
    )
    summary = []
    for name in CONVERSATIONS:
        export = read_polis_export(root / name)
        truth_sizes = np.bincount(np.array(list(export.polis_groups.values())))
        aris = []
        # The replay of the conversation's updates draws nothing at random: once for all
        # seeds (``polis_opinion_map`` does both steps).
        start = time.perf_counter()
        with threadpool_limits(limits=1):
            history = None if "--no-replay" in flags else replay_updates(
                export.log, moderated_out=export.moderated_out)
        replay_ms = (time.perf_counter() - start) * 1000
        for seed in range(n_seeds):
            start = time.perf_counter()
            with threadpool_limits(limits=1):
                m = opinion_map(
                    export.votes, OpinionParams(seed=seed), moderated_out=export.moderated_out,
                    history=history,
                )
            elapsed = (time.perf_counter() - start) * 1000
            agreement = group_agreement(m.labels, polis_labels(export, m.participant_ids))
            aris.append(agreement.adjusted_rand)
            sizes = "/".join(str(g.size) for g in m.groups)
            print(
                f"{name:22} {seed:>4} {m.k:>2} {truth_sizes.size:>8} {sizes:>12} "
                f"{'/'.join(map(str, truth_sizes)):>12} {agreement.n:>4} "
                f"{agreement.adjusted_rand:>6.3f} {agreement.matched_accuracy:>7.3f} "
                f"{elapsed:>6.0f}"
            )
        key = SHORT_NAMES[name]
        print(f"{name:22} replay of {history.n_updates if history else 0} updates: "
              f"{replay_ms / 1000:.1f} s")
        summary.append(
            f"{key}_ari_seed0={aris[0]:.3f} {key}_ari_min={min(aris):.3f} "
            f"{key}_ari_median={float(np.median(aris)):.3f}"
        )
    print(f"seeds={n_seeds} " + " ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
