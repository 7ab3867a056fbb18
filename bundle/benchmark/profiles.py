"""The benchmark's profiles: how much is trained, at what size, for how long.

A profile fixes everything the paper's experiments vary (methods, Fixed phis, seeds, the analyses'
grids) and the training budget (network width, image size, epochs). ``quick`` fits 2 CPU cores in
about an hour by shrinking all of them; ``full`` is the paper's setting for a GPU; ``tiny`` is the
smallest end-to-end run, for tests. The report states the profile it ran, so nobody mistakes a quick
number for a full one.
"""

from dataclasses import dataclass, field

from bundle.pareto.report import phi_grid


def _grid(start: float, stop: float, step: float) -> tuple[float, ...]:
    return tuple(phi_grid(start, stop, step))


@dataclass(frozen=True)
class Profile:
    """One benchmark budget.

    Attributes:
        name: "tiny", "quick" or "full".
        description: what was cut, in words, for the report.
        training: config overrides of every training run (width, epochs, schedule, batch size).
        spatial_size: per dataset, the training crop / resize (the paper's image size for "full"); for
            registration the size of the images trained on, which picks the Mindboggle grid (2D: a
            coronal slice of it).
        dataset_training: per dataset, training overrides applied after ``training``.
        overrides: the user's training overrides (``scripts/benchmark.py --training``), applied after
            ``dataset_training``; a run's own settings (method, phi, seed, data, folders) still win.
        seeds: training seeds; the data split stays that of ``split_seed`` 0 for all of them.
        fixed_phis: one Fixed network per phi and seed (the paper: 0, 0.05, ..., 0.5).
        eval_phis: test phis of the phi-conditioned methods (SSHN, Stochastic, FiLM).
        prior_radii: r of the prior-width study, SSHN trained on U(0.5 - r, 0.5 + r).
        transfer_phis: phis at which weights made for phi' = 0.5 are evaluated.
        variation_phis: phis across which the coefficient of variation of predicted weights is taken.
        per_level_levels: U-Net levels of the per-level study (levels - 1 factors; the paper: 3).
        per_level_grid: values of each factor on the per-level evaluation grid.
        architectures: primaries of the ablation, as (name, config overrides).
        ablation_fixed_phis: the Fixed networks each ablated architecture is compared with.
        lr_grid: learning rates every method is trained with on the first seed; each method's best on the
            validation split (mean Dice over phi 0.1, 0.25, 0.5; Fixed at its own phi) trains the rest.
        lr_fixed_phi: the Fixed network whose validation Dice chooses Fixed's learning rate.
        jobs: runs trained at once (processes), threads: torch threads of each.
    """

    name: str
    description: str
    training: dict
    spatial_size: dict[str, list[int]]
    seeds: tuple[int, ...]
    fixed_phis: tuple[float, ...]
    eval_phis: tuple[float, ...]
    prior_radii: tuple[float, ...]
    transfer_phis: tuple[float, ...]
    variation_phis: tuple[float, ...] = _grid(0.0, 1.0, 0.1)
    per_level_levels: int = 4
    per_level_grid: tuple[float, ...] = _grid(0.0, 1.0, 0.1)
    architectures: tuple[tuple[str, dict], ...] = field(
        default=(
            ("residual", {"block": "residual"}),
            ("se", {"block": "se"}),
            ("fpn", {"architecture": "fpn"}),
            ("psp", {"architecture": "psp"}),
        )
    )
    ablation_fixed_phis: tuple[float, ...] = (0.25, 0.5)
    # 1e-2: on WBC the Fixed U-Net's best of 1e-4..3e-3 was 3e-3, the grid's edge (2026-12)
    lr_grid: tuple[float, ...] = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
    lr_fixed_phi: float = 0.5
    # One 3D brain pair per step, as configs/registration_3d.json: a batch of 8 would not fit memory.
    # whole volumes one at a time (an OASIS volume at 32 features holds about 0.9 GB per activation map)
    dataset_training: dict[str, dict] = field(
        default_factory=lambda: {"registration_3d": {"batch_size": 1}, "oasis3d": {"batch_size": 1}}
    )
    overrides: dict = field(default_factory=dict)
    jobs: int = 1
    threads: int = 0  # 0: torch's default

    def spatial_size_of(self, dataset: str) -> list[int]:
        if dataset not in self.spatial_size:
            raise ValueError(
                f"profile {self.name!r} has no image size for dataset {dataset!r}: {sorted(self.spatial_size)}"
            )
        return self.spatial_size[dataset]


PROFILES = {
    "tiny": Profile(
        name="tiny",
        description="end-to-end check on generated data: 4 features, 3 levels, 1 epoch",
        training={
            "features": 4,
            "levels": 3,
            "hidden": [4, 8],
            "epochs": 1,
            "ce_epochs": 1,
            "val_interval": 1,
            "batch_size": 2,
            "patience": 1,
            "warmup_steps": 1,
        },
        # registration: the generated subjects of tests/registration/conftest.py (11 x 9 x 13); OASIS: crops of the
        # generated neurite-oasis subjects of tests/data/test_datalist.py
        spatial_size={
            "wbc": [24, 24],
            "hippocampus": [12, 12, 12],
            "oasis2d": [32, 32],
            "oasis3d": [16, 16, 16],
            "registration": [11, 13],
            "registration_3d": [11, 9, 13],
        },
        dataset_training={"registration": {"train_slices": [-2, 0, 2], "eval_slices": [0]}},
        seeds=(0, 1),
        fixed_phis=(0.0, 0.5),
        eval_phis=(0.0, 0.25, 0.5),
        prior_radii=(0.0, 0.05),
        transfer_phis=(0.25, 0.5, 1.0),
        variation_phis=(0.0, 0.5, 1.0),
        per_level_levels=3,
        per_level_grid=(0.0, 1.0),
        architectures=(("residual", {"block": "residual"}),),
        ablation_fixed_phis=(0.5,),
        lr_grid=(1e-3, 3e-3),
    ),
    "quick": Profile(
        name="quick",
        description=(
            "2 CPU cores, a few hours: 8 features (the paper: 32), WBC resized to 64x64 (our full profile:"
            " 128x128), at most 150 epochs with cross-entropy for the first 10, until early stopping (patience 8"
            " validations), each method's lr chosen on validation from 1e-4, 3e-4, 1e-3, 3e-3, 1e-2"
            " (seed 0),"
            " 3 seeds, Fixed at phi 0, 0.1, 0.25, 0.5 (the paper: 11 phis, 5 seeds), the per-level"
            " grid every 0.25 (the paper: 0.1), the ablation against Fixed at phi 0.5 only; registration on the"
            " 2 mm Mindboggle grid (2D: 80x80 coronal slices; its time not measured yet)"
        ),
        training={
            "features": 8,
            "levels": 5,
            "hidden": [10, 16],
            "epochs": 150,
            "ce_epochs": 10,
            "val_interval": 2,
            "batch_size": 8,
            "patience": 8,
            "warmup_steps": 50,
        },
        # registration: the 2 mm Mindboggle grid, the bundle's reduced CPU size (2D: 80 x 80 coronal slices)
        # OASIS: the paper's 160 x 192 slices (no resizing: the oasis transforms crop around the centre); 3D a
        # 96 x 112 x 128 crop of the 160 x 192 x 224 volumes
        spatial_size={
            "wbc": [64, 64],
            "hippocampus": [24, 32, 24],
            "oasis2d": [160, 192],
            "oasis3d": [96, 112, 128],
            "registration": [80, 80],
            "registration_3d": [80, 96, 80],
        },
        seeds=(0, 1, 2),
        fixed_phis=(0.0, 0.1, 0.25, 0.5),
        eval_phis=_grid(0.0, 0.5, 0.05),
        prior_radii=(0.0, 0.025, 0.05),
        transfer_phis=_grid(0.0, 1.0, 0.1),
        per_level_grid=_grid(0.0, 1.0, 0.25),
        ablation_fixed_phis=(0.5,),
        jobs=2,
        threads=1,
    ),
    "full": Profile(
        name="full",
        description="the paper's setting: 32 features, 300 epochs with early stopping, 5 seeds, 11 Fixed networks",
        training={
            "features": 32,
            "levels": 5,
            "hidden": [10, 16],
            "epochs": 300,
            "ce_epochs": 20,
            "val_interval": 2,
            "batch_size": 8,
            "patience": 15,
        },
        # registration: the 1 mm Mindboggle grid, the bundle's GPU size (2D: 160 x 160 coronal slices)
        spatial_size={
            "wbc": [128, 128],
            "hippocampus": [40, 56, 40],
            "oasis2d": [160, 192],
            "oasis3d": [160, 192, 224],
            "registration": [160, 160],
            "registration_3d": [160, 192, 160],
        },
        seeds=(0, 1, 2, 3, 4),
        fixed_phis=_grid(0.0, 0.5, 0.05),
        eval_phis=_grid(0.0, 0.5, 0.01),
        prior_radii=_grid(0.0, 0.05, 0.01),
        transfer_phis=_grid(0.0, 1.0, 0.05),
        jobs=4,
    ),
}


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise ValueError(f"profile must be one of {sorted(PROFILES)}, got {name!r}")
    return PROFILES[name]
