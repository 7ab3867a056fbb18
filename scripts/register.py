"""Register a moving brain image onto a fixed one with a trained registration model, or run the
classical SimpleITK baseline on the test pairs.

Examples:
    python scripts/register.py register moving.nii.gz fixed.nii.gz out/ --ckpt models/registration/model.pt --phi 0.25
    python scripts/register.py baseline --grid_dir data/registration/1mm --output_dir eval/registration_baseline
Both images must share one voxel grid (affinely aligned to MNI152, as ``bundle.registration.mindboggle``
does). Outputs: <moving>_warped.nii.gz and <moving>_ddf.nii.gz (voxels) in the fixed image's geometry.
Exit status: 0 on success, 2 on a usage error (named).
"""

import sys

import fire

from bundle.registration.baseline import run_baseline
from bundle.registration.inference import load_registration_network, register_files


def register(
    moving: str,
    fixed: str,
    output_dir: str,
    ckpt: str = "models/registration/model.pt",
    phi: float = 0.5,
    method: str = "sshn",
    spatial_dims: int = 2,
    device: str = "cpu",
) -> None:
    """Write the moving image warped onto the fixed one and the displacement field, at ``phi``.

    ``method`` and ``spatial_dims`` must be those the checkpoint was trained with.
    """
    try:
        network = load_registration_network(ckpt, {"method": method, "spatial_dims": spatial_dims}, device)
        paths = register_files(network, moving, fixed, output_dir, phi, device)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"warped image: {paths['warped']}\ndisplacement (voxels): {paths['ddf']}")


if __name__ == "__main__":
    fire.Fire({"register": register, "baseline": run_baseline})
