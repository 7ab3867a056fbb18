"""The benchmark's tasks by dataset name: segmentation (WBC, hippocampus, OASIS 2D and 3D) and registration
(Mindboggle 2D, 3D)."""

from bundle.benchmark.tasks.base import Task
from bundle.benchmark.tasks.registration import RegistrationTask
from bundle.benchmark.tasks.segmentation import SegmentationTask
from bundle.data.datasets import DATASETS

# Every registered segmentation dataset but the generic "msd" (any Decathlon task: no one image size fits it);
# a profile must give each an image size (bundle.benchmark.profiles), checked before any training.
SEGMENTATION = [name for name in DATASETS if name != "msd"]

TASKS: dict[str, Task] = {
    **{name: SegmentationTask(name, list(DATASETS[name].overlays)) for name in SEGMENTATION},
    "registration": RegistrationTask("registration", 2),
    "registration_3d": RegistrationTask("registration_3d", 3, ("registration_3d.json",)),
}


def get_task(dataset: str) -> Task:
    if dataset not in TASKS:
        raise ValueError(f"dataset must be one of {sorted(TASKS)}, got {dataset!r}")
    return TASKS[dataset]
