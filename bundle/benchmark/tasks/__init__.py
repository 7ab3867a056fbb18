"""The benchmark's tasks by dataset name: segmentation (WBC, hippocampus) and registration (2D, 3D)."""

from bundle.benchmark.tasks.base import Task
from bundle.benchmark.tasks.registration import RegistrationTask
from bundle.benchmark.tasks.segmentation import SegmentationTask
from bundle.data.datasets import SHIPPED, get_dataset

TASKS: dict[str, Task] = {
    **{name: SegmentationTask(name, list(get_dataset(name).overlays)) for name in SHIPPED},
    "registration": RegistrationTask("registration", 2),
    "registration_3d": RegistrationTask("registration_3d", 3, ("registration_3d.json",)),
}


def get_task(dataset: str) -> Task:
    if dataset not in TASKS:
        raise ValueError(f"dataset must be one of {sorted(TASKS)}, got {dataset!r}")
    return TASKS[dataset]
