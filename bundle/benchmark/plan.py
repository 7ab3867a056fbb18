"""Which runs each part of the benchmark trains, named so that parts share runs instead of repeating them.

A run's name is its identity on disk: the prior-width study's plain U-Net is the main comparison's
``fixed_phi0.5_seed0``, trained once and read back by both.
"""

import itertools

from bundle.benchmark.profiles import Profile
from bundle.benchmark.runs import RunSpec

CONDITIONED = ("sshn", "stochastic", "film")


def conditioned_run(method: str, seed: int, profile: Profile) -> RunSpec:
    """One network for every phi (SSHN, Stochastic or FiLM), tested at the profile's phis."""
    return RunSpec(f"{method}_seed{seed}", method, seed, eval_phis=profile.eval_phis)


def fixed_run(phi: float, seed: int, overrides: dict | None = None, prefix: str = "") -> RunSpec:
    """A plain U-Net trained and tested at ``phi`` alone."""
    return RunSpec(f"{prefix}fixed_phi{phi:g}_seed{seed}", "fixed", seed, phi, (phi,), overrides or {})


def method_runs(profile: Profile) -> list[RunSpec]:
    """The paper's Table 1: SSHN, Stochastic and FiLM, and one Fixed network per phi, for every seed."""
    runs = [conditioned_run(method, seed, profile) for seed in profile.seeds for method in CONDITIONED]
    runs += [fixed_run(phi, seed) for seed in profile.seeds for phi in profile.fixed_phis]
    return runs


def prior_width_runs(profile: Profile) -> list[RunSpec]:
    """SSHN trained on U(0.5 - r, 0.5 + r) for each r, tested at 0.5, and the plain U-Net at 0.5 (Figure 8)."""
    seed = profile.seeds[0]
    runs = [
        RunSpec(
            f"prior_r{radius:g}_seed{seed}",
            "sshn",
            seed,
            eval_phis=(0.5,),
            overrides={"phi_prior": [0.5 - radius, 0.5 + radius], "val_phis": [0.5]},
        )
        for radius in profile.prior_radii
    ]
    return [*runs, fixed_run(0.5, seed)]


def per_level_runs(profile: Profile) -> list[RunSpec]:
    """An SSHN with one phi per resize, tested on the full grid, and a single-phi SSHN of the same depth
    tested on the grid's diagonal; both sample from U(0, 1) as the paper's per-level variant does (Figures 12, 13).
    """
    seed, levels = profile.seeds[0], profile.per_level_levels
    common = {"levels": levels, "phi_prior": [0.0, 1.0]}
    grid = tuple(itertools.product(profile.per_level_grid, repeat=levels - 1))
    return [
        RunSpec(f"per_level{levels}_seed{seed}", "sshn", seed, eval_phis=grid, overrides={**common, "per_level": True}),
        RunSpec(f"single_level{levels}_seed{seed}", "sshn", seed, eval_phis=profile.per_level_grid, overrides=common),
    ]


def ablation_runs(profile: Profile) -> dict[str, list[RunSpec]]:
    """Per primary architecture (the U-Net first): its SSHN and its Fixed networks (Figure 10)."""
    seed = profile.seeds[0]
    runs = {
        "unet": [conditioned_run("sshn", seed, profile), *(fixed_run(p, seed) for p in profile.ablation_fixed_phis)]
    }
    for name, overrides in profile.architectures:
        prefix = f"arch_{name}_"
        sshn = RunSpec(f"{prefix}sshn_seed{seed}", "sshn", seed, eval_phis=profile.eval_phis, overrides=overrides)
        runs[name] = [sshn, *(fixed_run(p, seed, overrides, prefix) for p in profile.ablation_fixed_phis)]
    return runs
