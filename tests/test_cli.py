import subprocess
import sys
from pathlib import Path

import pytest

from bundle.cli import expression_values, unknown_options

ROOT = Path(__file__).resolve().parents[1]


def train(dataset_dir: str = "", epochs: int = 1, resume: bool = False) -> None:
    """A stand-in command."""


class Suite:
    def __init__(self, profile: str = "quick", train: bool = True) -> None:
        self.profile = profile

    def methods(self, seeds: int = 1) -> None:
        """A stand-in part."""


@pytest.mark.parametrize(
    ("component", "argv", "unknown"),
    [
        (train, ["--epochs", "2", "--dataset_dir=x"], None),
        (train, ["--epochs", "2", "--epoch", "3"], ["epoch"]),
        (train, ["--dataset-dir", "x", "--noresume"], None),  # fire's spellings: dashes, --no<flag>
        (train, ["--help"], None),
        (train, ["--epochs", "2", "--", "--help"], None),  # after "--": fire's own flags
        ({"run": train}, ["run", "--epochs", "2", "--bogus", "1"], ["bogus"]),
        ({"run": train}, ["other", "--bogus", "1"], None),  # fire reports the unknown command itself
        (Suite, ["--profile", "quick", "methods", "--seeds", "3"], None),  # "quick" is a value, not the command
        (Suite, ["--profile", "quick", "methods", "--seed", "3"], ["seed"]),
        (Suite, ["--train", "false", "--bogus", "1"], ["bogus"]),
        (train, ["-epoch=3"], ["epoch"]),  # one dash: fire strips it as it does two
        (train, ["-e", "3", "-d=x"], None),  # fire's one-letter shortcuts of epochs and dataset_dir
        (train, ["-z", "3"], ["z"]),
    ],
)
def test_options_a_command_does_not_take_are_found(component, argv, unknown):
    problem = unknown_options(component, argv)
    assert (problem and problem[1]) == unknown


@pytest.mark.parametrize(
    "argv",
    [
        ["scripts/train.py", "--hypernet_init", "tied"],  # the retired spelling of hypernet_correlation
        ["scripts/segment.py", "in", "out", "--phii", "0.1"],
        ["scripts/benchmark_speed.py", "gpu", "--devcie", "cpu"],
        ["scripts/register.py", "register", "a", "b", "c", "--phii", "0.2"],
    ],
)
def test_a_misspelled_option_is_one_line_and_exit_2_before_anything_runs(argv):
    run = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "takes no option --" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "refused"),
    [
        (["in", "out", "--phi", "0.3"], None),
        (["./@scan.nii.gz", "out", "--output_dir", "a%b"], None),  # only a leading $, @ or % is parsed
        (["--epochs", "2", "--", "--help", "$x"], None),  # after "--": fire's own flags
        (["--ckpt_dir", "$x"], "--ckpt_dir '$x'"),
        (["--ckpt_dir=@network_def"], "--ckpt_dir '@network_def'"),
        (["register", "m", "%f"], "argument 3 '%f'"),
        (["--phi_prior", "[0.1, '$x']"], "--phi_prior '$x'"),
        (["--labels", "{'a': '@b'}"], "--labels '@b'"),
        (["-p", "$x"], "-p '$x'"),
        (["-m=$x"], "-m '$x'"),  # fire reads one dash and a letter as an option too, "=" included
        (["-training={'features': '$x'}"], "-training '$x'"),
        (["--n", "-1"], None),  # a negative number is a value
    ],
)
def test_expressions_anywhere_on_the_command_line_are_found(argv, refused):
    found = expression_values(argv)
    assert (found is None) if refused is None else (found is not None and found.startswith(refused))
