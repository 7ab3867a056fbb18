"""The benchmark as one object: each part of the paper's experiments a method, the report at the end.

Every part trains what it needs through :func:`~bundle.benchmark.runs.run_all` (finished runs are read
back, not repeated), writes its JSON and figure to ``report_dir`` and returns its numbers.
"""

import dataclasses
import json
import subprocess
from pathlib import Path

from bundle.benchmark import plan
from bundle.benchmark.analyses.ablation import ablation
from bundle.benchmark.analyses.learning_rate import choose_learning_rates
from bundle.benchmark.analyses.per_level import per_level
from bundle.benchmark.analyses.prior_width import prior_width
from bundle.benchmark.analyses.transfer import weight_transfer
from bundle.benchmark.analyses.variation import weight_variation
from bundle.benchmark.plots import method_figures
from bundle.benchmark.profiles import get_profile
from bundle.benchmark.report import write_report
from bundle.benchmark.runs import RunSpec, finished_results, run_all, trained_run
from bundle.benchmark.tables import dice_table, time_table
from bundle.benchmark.tasks import get_task
from bundle.benchmark.tasks.base import PARTS
from bundle.checked_run import as_flag
from bundle.io import write_atomically
from bundle.nets.adaptation import median_weight_change
from bundle.paths import ROOT


class Benchmark:
    """The paper's experiments on ``dataset`` with ``profile`` ("tiny", "quick", "full").

    ``dataset``: "wbc", "hippocampus", "oasis2d" or "oasis3d" (``dataset_dir`` in that dataset's layout), or
    "registration" (2D coronal slices) or "registration_3d" (``dataset_dir`` a Mindboggle folder, aligned and cached
    on the profile's grid at the start, or a folder of cached ``<subject>.npz``). Runs (checkpoints,
    logs) go to ``<output_dir>/runs``; tables, figures, analyses and report.md to ``report_dir``
    (default ``output_dir``). A part that does not apply to the dataset's task raises a ValueError.
    ``seeds`` replaces the profile's seeds (e.g. one seed where time is short). ``training`` overrides the
    profile's training settings for every run (e.g. ``{"features": 16, "similarity": "lncc"}``), after its
    per-dataset ones; the report lists them. Finished runs are read back by name, so give runs made with
    other overrides their own ``output_dir``. The learning rate is not a training override: every method's is
    chosen on validation from the profile's grid, which ``lr_grid`` replaces (one value: every method at it).
    ``train`` False trains nothing: every part reads the runs that have finished (a look at a benchmark still
    running in another process); the ``lr`` part chooses among the finished ones, a method without any is
    left out, and the tables list the runs still pending.
    """

    def __init__(
        self,
        dataset: str = "wbc",
        profile: str = "quick",
        dataset_dir: str = "../shared/data/wbc",
        output_dir: str = "eval/benchmark",
        report_dir: str | None = None,
        seeds: list[int] | None = None,
        training: dict | None = None,
        lr_grid: list[float] | float | None = None,
        train: bool = True,
    ) -> None:
        self.train = as_flag("train", train)  # fire passes --train false as the string "false"
        self.dataset, self.profile, self.task = dataset, get_profile(profile), get_task(dataset)
        if isinstance(seeds, int) and not isinstance(seeds, bool):
            seeds = [seeds]  # fire passes --seeds 1 (no brackets) as one number
        if seeds is not None:  # fewer (or other) seeds than the profile's; the report lists those that ran
            if (
                not isinstance(seeds, list | tuple)
                or not seeds
                or not all(isinstance(seed, int) and seed >= 0 for seed in seeds)
            ):
                raise ValueError(f"seeds must be a non-empty list of integers >= 0, got {seeds!r}")
            self.profile = dataclasses.replace(self.profile, seeds=tuple(seeds))
        if training:
            if not isinstance(training, dict) or not all(isinstance(key, str) for key in training):
                raise ValueError(f"training must be a dict of config keys to values, got {training!r}")
            if "lr" in training:
                raise ValueError("training must not set lr: each method's is chosen from the grid; pass --lr_grid [LR]")
            self.profile = dataclasses.replace(self.profile, overrides=dict(training))
        if isinstance(lr_grid, int | float) and not isinstance(lr_grid, bool):
            lr_grid = [lr_grid]  # fire passes --lr_grid 0.001 (no brackets) as one number
        if lr_grid is not None:
            if (
                isinstance(lr_grid, bool)  # fire passes a bare --lr_grid as True
                or not lr_grid
                or not all(isinstance(lr, int | float) and not isinstance(lr, bool) for lr in lr_grid)
                or not all(0 < lr <= 10 for lr in lr_grid)
            ):
                raise ValueError(f"lr_grid must be a non-empty list of numbers in (0, 10], got {lr_grid!r}")
            self.profile = dataclasses.replace(self.profile, lr_grid=tuple(sorted(lr_grid)))
        if not Path(dataset_dir).is_dir():
            raise FileNotFoundError(
                f"dataset folder {dataset_dir} does not exist (download it with scripts/download.py)"
            )
        # Prepared here, once: the runs (maybe several processes at once) only read it.
        self.dataset_dir = self.task.prepare(str(Path(dataset_dir).resolve()), self.profile)
        self.output_dir = Path(output_dir)
        self.report_dir = Path(report_dir or output_dir)

    def _run(self, specs: list[RunSpec], partial: bool = False) -> dict[str, dict]:
        """run name -> result of each of ``specs``: all of them trained first, or (``train`` False) those finished,
        where a part that needs every run (not ``partial``) names the missing ones in a ValueError."""
        unique = list({spec.name: spec for spec in specs}.values())
        if self.train:
            results = run_all(unique, self.profile, self.dataset, self.dataset_dir, self.output_dir)
        else:
            results = finished_results(unique, self.output_dir)
            missing = [spec.name for spec in unique if spec.name not in {r["name"] for r in results}]
            if missing and not partial:
                raise ValueError(f"runs not finished yet in {self.output_dir}: {missing} (train false trains nothing)")
        return {result["name"]: result for result in results}

    def _write(self, name: str, content: dict | list) -> None:
        write_atomically(self.report_dir / f"{name}.json", json.dumps(content, indent=2))

    def _network(self, spec: RunSpec) -> tuple:
        return trained_run(spec, self.profile, self.dataset, self.dataset_dir, self.output_dir)

    def lr(self) -> dict:
        """Each method's learning rate chosen on validation: every method trained once per learning rate of the
        profile's grid on the first seed (Fixed at ``profile.lr_fixed_phi``), the best validation Dice wins."""
        runs = plan.lr_runs(self.profile)
        results = self._run([spec for specs in runs.values() for spec in specs], partial=True)
        summary = choose_learning_rates(runs, results)
        self._write("lr", summary)
        return summary

    def _lrs(self, *needed: str) -> dict[str, float]:
        """method -> its chosen learning rate (the ``lr`` part, read back from its finished runs); a ValueError
        where one of the ``needed`` methods has none yet (``train`` False)."""
        lrs = self.lr()["chosen"]
        missing = [method for method in needed if method not in lrs]
        if missing:
            raise ValueError(f"no learning rate chosen yet for {missing}: none of their lr runs in {self.output_dir}")
        return lrs

    def methods(self) -> dict:
        """Table 1 (test Dice per method and phi over seeds) and Table 3 (training time), with the two figures."""
        specs = plan.method_runs(self.profile, self._lrs())
        results = self._run(specs, partial=True)
        tables: dict[str, list] = {"dice": dice_table(results.values()), "time": time_table(results.values())}
        tables["pending"] = [spec.name for spec in specs if spec.name not in results]
        self._write("methods", tables)
        if tables["dice"]:
            method_figures(tables["dice"], self.report_dir, self.task.ylabel)
        return tables

    def prior_width(self) -> dict:
        """SSHN on U(0.5 - r, 0.5 + r) at phi = 0.5 against the plain U-Net (Figure 8)."""
        self.task.check_part("prior_width")
        runs = plan.prior_width_runs(self.profile, self._lrs("sshn", "fixed"))
        summary = prior_width(runs, self._run(runs), self.report_dir, self.task.ylabel)
        self._write("prior_width", summary)
        return summary

    def transfer(self) -> dict:
        """Weights made for phi' = 0.5 (SSHN's and a Fixed network's) tested at other phi (Figure 9)."""
        self.task.check_part("transfer")
        seed, lrs = self.profile.seeds[0], self._lrs("sshn", "fixed")
        sshn_spec = plan.conditioned_run("sshn", seed, self.profile, lrs["sshn"])
        fixed_spec = plan.fixed_run(0.5, seed, lrs["fixed"])
        self._run([sshn_spec, fixed_spec])
        sshn, data, input_shape, num_classes = self._network(sshn_spec)
        fixed = self._network(fixed_spec)[0]
        summary = weight_transfer(
            self.task, sshn, fixed, data, self.profile.transfer_phis, num_classes, input_shape, self.report_dir
        )
        self._write("transfer", summary)
        return summary

    def variation(self) -> dict:
        """Coefficient of variation of every predicted tensor across phi (Figure 14), and the median relative
        change of the predicted tensors between phi 0.1 and 0.5 (how much the weights adapt to phi)."""
        self.task.check_part("variation")
        spec = plan.conditioned_run("sshn", self.profile.seeds[0], self.profile, self._lrs("sshn")["sshn"])
        self._run([spec])
        sshn = self.task.hypernetwork(self._network(spec)[0])
        summary = {
            "tensors": weight_variation(sshn, self.profile.variation_phis, self.report_dir),
            "median_change_0.1_0.5": median_weight_change(sshn, 0.1, 0.5),
        }
        self._write("variation", summary)
        return summary

    def per_level(self) -> dict:
        """One phi per resizing level on a grid, its Pareto frontier against one phi (Figures 12, 13)."""
        self.task.check_part("per_level")
        grid_spec, single_spec = plan.per_level_runs(self.profile, self._lrs("sshn"))
        results = self._run([grid_spec, single_spec])
        summary = per_level(results[grid_spec.name], results[single_spec.name], self.report_dir, self.task.ylabel)
        self._write("per_level", summary)
        return summary

    def ablation(self) -> dict:
        """Residual, SE, FPN and PSPNet primaries: each SSHN against its Fixed networks (Figure 10)."""
        self.task.check_part("ablation")
        runs = plan.ablation_runs(self.profile, self._lrs("sshn", "fixed"))
        everything = self._run([spec for specs in runs.values() for spec in specs])
        summary = ablation(runs, everything, self.report_dir, self.task.ylabel)
        self._write("ablation", summary)
        return summary

    def report(self) -> Path:
        """report.md in ``report_dir`` from whatever parts have been run."""
        parts = {}
        for name in PARTS:
            path = self.report_dir / f"{name}.json"
            if path.is_file():
                parts[name] = json.loads(path.read_text())
        return write_report(parts, self.task, self.profile, _git_commit(), self.report_dir)

    def all(self) -> Path:
        """Every part that applies to the task: the learning-rate search first, then all the other parts' runs in one
        pool (``profile.jobs`` at a time), then every part and the report."""
        lrs = self._lrs("sshn", "stochastic", "film", "fixed")
        runs = {
            "methods": lambda: plan.method_runs(self.profile, lrs),
            "prior_width": lambda: plan.prior_width_runs(self.profile, lrs),
            "per_level": lambda: plan.per_level_runs(self.profile, lrs),
            "ablation": lambda: [spec for specs in plan.ablation_runs(self.profile, lrs).values() for spec in specs],
        }
        self._run([spec for part, specs in runs.items() if part in self.task.parts for spec in specs()])
        for part in self.task.parts:
            getattr(self, part)()
        return self.report()


def _git_commit() -> str:
    """The commit the benchmark ran from, "+ changes" when the tree differs from it; "unknown" outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")
