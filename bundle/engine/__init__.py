"""What the MONAI/Ignite trainers of both tasks need beyond MONAI: phi sampling, the loss stages, parameter
groups, atomic checkpoints, the state a resumed run needs and the checks before a run."""
