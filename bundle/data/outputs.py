"""Where label maps go: refused, before any work, where they would overwrite an input or each other."""

import os
from collections.abc import Sequence
from pathlib import Path

from bundle.data.datalist import image_files
from bundle.data.transforms import label_map_name
from bundle.data.validation import exit_on_bad_input


def check_outputs(files: Sequence[str], output_dir: str | Path, dataset: str) -> None:
    """Refuse, before any work, a run that would overwrite an input or write two label maps to one file.

    The output folder must not hold any of the inputs (a rerun would segment the label maps too, and
    ``scan_seg.nii.gz`` would be overwritten by the label map of ``scan.nii.gz``), neither as a file nor as the
    target of a link, and no two inputs may share a label map's name (``a.nii`` and ``a.nii.gz`` both give
    ``a_seg.nii.gz``).
    """
    output = Path(os.path.realpath(output_dir))
    owners: dict[Path, str] = {}
    for file in files:
        # Both the link's own folder and its target's: either way a label map could replace the image read.
        # os.path.realpath, not Path.resolve: a link loop is then left for screening to report by name
        # instead of a RuntimeError here.
        folders = {Path(os.path.realpath(Path(file).absolute().parent)), Path(os.path.realpath(file)).parent}
        if output in folders:
            raise ValueError(f"output folder {output_dir} holds the input {file}: write label maps to another folder")
        target = output / label_map_name(file, dataset)
        if target in owners:
            raise ValueError(f"{owners[target]} and {file} would both be written to {target}: rename one")
        owners[target] = file


def check_output_folder(input: str | Path, output_dir: str | Path, dataset: str) -> None:
    """:func:`check_outputs` for every image of ``input`` (a file or a folder), for the inference config."""
    check_outputs([item["image"] for item in image_files(input)], output_dir, dataset)


# For configs/inference.json: a refused output folder is one line and exit status 2.
checked_output_folder = exit_on_bad_input(check_output_folder)
