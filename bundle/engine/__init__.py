"""What the MONAI/Ignite trainers and evaluators need beyond MONAI: phi sampling, the loss stages,
evaluation at several phi and its report, atomic checkpoints and the state a resumed run needs."""
