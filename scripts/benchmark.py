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

from bundle.benchmark.suite import Benchmark
from bundle.cli import fire_checked, usage_errors


# The benchmark whose options are usage errors: an unknown --dataset or --profile, bad --seeds, --training or
# --lr_grid are one line and exit status 2, not a traceback.
class CommandLineBenchmark(Benchmark):
    __doc__ = Benchmark.__doc__  # the help fire prints

    # fire and the option check read the wrapped signature; mypy cannot type a wrapped constructor
    @functools.wraps(Benchmark.__init__)  # type: ignore[misc]
    def __init__(self, *args, **kwargs) -> None:
        with usage_errors():
            super().__init__(*args, **kwargs)


if __name__ == "__main__":
    fire_checked(CommandLineBenchmark)
