"""Reproduce the paper's experiments on real data: train every method, test it per phi, run the analyses, report.

Examples:
    python scripts/benchmark.py --dataset wbc --profile quick --dataset_dir ../shared/data/wbc \
        --output_dir eval/benchmark/wbc_quick --report_dir docs/results/benchmark/wbc_quick all
    python scripts/benchmark.py --profile quick --output_dir eval/benchmark/wbc_quick methods   # Table 1 and 3 only
    python scripts/benchmark.py --profile quick --output_dir eval/benchmark/wbc_quick prior_width
    python scripts/benchmark.py --dataset hippocampus --profile full --dataset_dir data/hippocampus all  # GPU
    python scripts/benchmark.py --dataset registration --profile quick --dataset_dir ../shared/data/mindboggle \
        --output_dir eval/benchmark/registration_quick all   # every part but the ablation

Parts: lr (each method's learning rate, chosen on validation from the profile's grid; --lr_grid replaces
it), methods (Tables 1, 3; Figures 3, 6, 7), prior_width (Figure 8), transfer (Figure 9), variation
(Figure 14), per_level (Figures 12, 13), ablation (Figure 10), report, all. A part trains only runs that
have not finished in ``output_dir``; an interrupted run resumes from its last checkpoint. ``--train false``
trains nothing and reads the runs finished so far (the report lists those still pending). Profiles:
tiny (tests), quick (2 CPU cores, several hours), full (the paper's budget, for a GPU).
"""

import functools
from collections.abc import Callable

from bundle.benchmark.suite import Benchmark
from bundle.benchmark.tasks.base import PARTS
from bundle.cli import fire_checked, usage_errors


def _checked(method: Callable) -> Callable:
    """``method`` whose ValueError or FileNotFoundError (an unknown --dataset, bad --seeds, a missing
    --dataset_dir, a part that does not apply, runs not finished under --train false) is one line, exit 2."""

    @functools.wraps(method)  # fire and the option check read the wrapped signature
    def checked(*args, **kwargs):
        with usage_errors(FileNotFoundError):
            return method(*args, **kwargs)

    return checked


class CommandLineBenchmark(Benchmark):
    __doc__ = Benchmark.__doc__  # the help fire prints


for _name in ("__init__", *PARTS, "report", "all"):
    setattr(CommandLineBenchmark, _name, _checked(getattr(Benchmark, _name)))


if __name__ == "__main__":
    fire_checked(CommandLineBenchmark)
