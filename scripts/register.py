"""Register a moving brain image onto a fixed one with a trained registration model, or run the
classical SimpleITK baseline on the test pairs.

Examples:
    python scripts/register.py register moving.nii.gz fixed.nii.gz out/ --phi 0.25  # runs/registration/model.pt
    python scripts/register.py register moving.nii.gz fixed.nii.gz out/ --ckpt runs/registration/model.pt --cascades 2
    python scripts/register.py baseline --grid_dir data/registration/1mm --output_dir eval/registration_baseline
    python scripts/register.py compare eval/sshn/registration.json 0.5 eval/registration_baseline/baseline.json demons
Both images must share one voxel grid (affinely aligned to MNI152, as ``bundle.registration.mindboggle``
does). Outputs: <moving>_warped.nii.gz and <moving>_ddf.nii.gz (voxels) in the fixed image's geometry.
Exit status: 0 on success, 2 on a usage error (named).
"""

from bundle.checked_run import check_device
from bundle.cli import fire_checked, usage_errors
from bundle.registration.baseline import run_baseline
from bundle.registration.inference import load_registration_network, register_files
from bundle.registration.paired import paired_difference, per_pair_dice


def register(
    moving: str,
    fixed: str,
    output_dir: str,
    ckpt: str = "runs/registration/model.pt",
    phi: float = 0.5,
    method: str = "sshn",
    spatial_dims: int = 2,
    cascades: int = 1,
    device: str = "cpu",
    precision: str = "fp32",
) -> None:
    """Write the moving image warped onto the fixed one and the displacement field, at ``phi``.

    ``method`` and ``spatial_dims`` must be those the checkpoint was trained with; ``cascades`` runs the
    network that many times, each pass on the moving image warped by the ones before (k times the cost).
    ``precision``: fp32 (the default), bf16 (autocast), channels_last, or auto (the fastest of them on this
    machine for this image size, measured once and cached in ~/.cache/sshn); only the U-Net changes precision.
    """
    with usage_errors(FileNotFoundError):
        check_device(device)
        settings = {"method": method, "spatial_dims": spatial_dims, "cascades": cascades}
        network = load_registration_network(ckpt, settings, device)
        paths, precision = register_files(network, moving, fixed, output_dir, phi, device, precision)
    print(f"precision {precision}\nwarped image: {paths['warped']}\ndisplacement (voxels): {paths['ddf']}")


def compare(a: str, a_key: str, b: str, b_key: str) -> None:
    """Per-pair Dice of row ``a_key`` of report ``a`` minus row ``b_key`` of report ``b`` (a phi, or a method
    name such as demons or affine), on the same pairs: mean difference, 95 % bootstrap interval, share of
    pairs where a is better. Both reports must come from the same split and slices."""
    with usage_errors(FileNotFoundError):
        result = paired_difference(per_pair_dice(a, a_key), per_pair_dice(b, b_key))
    low, high = result["ci95"]
    print(
        f"{a} [{a_key}] - {b} [{b_key}]: {result['mean_difference']:+.4f} Dice "
        f"(95 % bootstrap over {result['pairs']} pairs: {low:+.4f} .. {high:+.4f}); "
        f"a better on {result['a_better']:.0%}"
    )


if __name__ == "__main__":
    fire_checked({"register": register, "baseline": run_baseline, "compare": compare})
