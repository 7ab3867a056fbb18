"""Which runs each part of the benchmark trains, named so that parts share runs instead of repeating them.

A run's name is its identity on disk: the prior-width study's plain U-Net is the main comparison's
``fixed_phi0.5_lr0.001_seed0``, trained once and read back by both. Every run trains at its method's
learning rate (``lrs``: method -> lr, chosen on validation by the ``lr`` part from the profile's grid),
and the learning rate is part of its name, so the search's seed-0 runs are the main table's too.
"""

import itertools

from bundle.benchmark.profiles import Profile
from bundle.benchmark.runs import RunSpec

CONDITIONED = ("sshn", "stochastic", "film")


def conditioned_run(method: str, seed: int, profile: Profile, lr: float) -> RunSpec:
    """One network for every phi (SSHN, Stochastic or FiLM) trained at ``lr``, tested at the profile's phis."""
    return RunSpec(f"{method}_lr{lr:g}_seed{seed}", method, seed, eval_phis=profile.eval_phis, overrides={"lr": lr})


def fixed_run(phi: float, seed: int, lr: float, overrides: dict | None = None, prefix: str = "") -> RunSpec:
    """A plain U-Net trained at ``lr`` and tested at ``phi`` alone."""
    overrides = {**(overrides or {}), "lr": lr}
    return RunSpec(f"{prefix}fixed_phi{phi:g}_lr{lr:g}_seed{seed}", "fixed", seed, phi, (phi,), overrides)


def lr_runs(profile: Profile) -> dict[str, list[RunSpec]]:
    """Per method, one run per learning rate of ``profile.lr_grid`` on the first seed; Fixed at
    ``profile.lr_fixed_phi``. The same grid and procedure for every method (a fair comparison)."""
    seed = profile.seeds[0]
    runs = {"sshn": [conditioned_run("sshn", seed, profile, lr) for lr in profile.lr_grid]}
    runs["fixed"] = [fixed_run(profile.lr_fixed_phi, seed, lr) for lr in profile.lr_grid]
    for method in CONDITIONED[1:]:
        runs[method] = [conditioned_run(method, seed, profile, lr) for lr in profile.lr_grid]
    return runs  # the SSHN and Fixed first: with a pool of a few processes, the main comparison finishes first


def method_runs(profile: Profile, lrs: dict[str, float]) -> list[RunSpec]:
    """The paper's Table 1: SSHN, Stochastic and FiLM, and one Fixed network per phi, for every seed; a method
    missing from ``lrs`` (no learning rate chosen yet) is left out.

    Ordered so that a pool of a few processes finishes the comparisons the claims rest on first (SSHN,
    Stochastic and the Fixed set, seed by seed), FiLM last.
    """
    runs = []
    for seed in profile.seeds:
        runs += [conditioned_run(m, seed, profile, lrs[m]) for m in ("sshn", "stochastic") if m in lrs]
        runs += [fixed_run(phi, seed, lrs["fixed"]) for phi in profile.fixed_phis if "fixed" in lrs]
    return runs + [conditioned_run("film", seed, profile, lrs["film"]) for seed in profile.seeds if "film" in lrs]


def prior_width_runs(profile: Profile, lrs: dict[str, float]) -> list[RunSpec]:
    """SSHN trained on U(0.5 - r, 0.5 + r) for each r, tested at 0.5, and the plain U-Net at 0.5 (Figure 8)."""
    seed = profile.seeds[0]
    runs = [
        RunSpec(
            f"prior_r{radius:g}_lr{lrs['sshn']:g}_seed{seed}",
            "sshn",
            seed,
            eval_phis=(0.5,),
            overrides={"phi_prior": [0.5 - radius, 0.5 + radius], "val_phis": [0.5], "lr": lrs["sshn"]},
        )
        for radius in profile.prior_radii
    ]
    return [*runs, fixed_run(0.5, seed, lrs["fixed"])]


def per_level_runs(profile: Profile, lrs: dict[str, float]) -> list[RunSpec]:
    """An SSHN with one phi per resize, tested on the full grid, and a single-phi SSHN of the same depth
    tested on the grid's diagonal; both sample from U(0, 1) as the paper's per-level variant does (Figures 12, 13).
    """
    seed, levels, lr = profile.seeds[0], profile.per_level_levels, lrs["sshn"]
    common = {"levels": levels, "phi_prior": [0.0, 1.0], "lr": lr}
    grid = tuple(itertools.product(profile.per_level_grid, repeat=levels - 1))
    per_level = {**common, "per_level": True}
    return [
        RunSpec(f"per_level{levels}_lr{lr:g}_seed{seed}", "sshn", seed, eval_phis=grid, overrides=per_level),
        RunSpec(
            f"single_level{levels}_lr{lr:g}_seed{seed}",
            "sshn",
            seed,
            eval_phis=profile.per_level_grid,
            overrides=common,
        ),
    ]


def ablation_runs(profile: Profile, lrs: dict[str, float]) -> dict[str, list[RunSpec]]:
    """Per primary architecture (the U-Net first): its SSHN and its Fixed networks (Figure 10), each method
    at its learning rate chosen for the U-Net."""
    seed, sshn_lr, fixed_lr = profile.seeds[0], lrs["sshn"], lrs["fixed"]
    fixed = [fixed_run(p, seed, fixed_lr) for p in profile.ablation_fixed_phis]
    runs = {"unet": [conditioned_run("sshn", seed, profile, sshn_lr), *fixed]}
    for name, overrides in profile.architectures:
        prefix = f"arch_{name}_"
        sshn = RunSpec(
            f"{prefix}sshn_lr{sshn_lr:g}_seed{seed}",
            "sshn",
            seed,
            eval_phis=profile.eval_phis,
            overrides={**overrides, "lr": sshn_lr},
        )
        runs[name] = [sshn, *(fixed_run(p, seed, fixed_lr, overrides, prefix) for p in profile.ablation_fixed_phis)]
    return runs
