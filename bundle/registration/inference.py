"""Registering a moving NIfTI image onto a fixed one: the warped image and the displacement field,
written in the fixed image's geometry."""

import functools
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
from monai.bundle import ConfigParser

from bundle.checked_run import checked_overrides
from bundle.data.validation import CheckedLoadImaged, check_image, exit_on_bad_input
from bundle.export import load_weights
from bundle.io import replace_atomically
from bundle.nets.unet import PhiUNet
from bundle.paths import CONFIGS
from bundle.perf.precision import with_precision
from bundle.registration.mindboggle import scale_intensity
from bundle.registration.network import RegistrationNet
from bundle.registration.warp import warp


def load_registration_network(ckpt: str | Path, overrides: dict | None = None, device: str = "cpu") -> RegistrationNet:
    """The network of ``configs/registration.json`` (an overlay on ``configs/train.json``) with ``overrides``
    (e.g. method, spatial_dims) and the weights of ``ckpt``, loaded strictly (a checkpoint of another method or
    size is an error).

    ``overrides`` are literal values checked like the scripts' (``bundle.checked_run``): a ``$`` value would
    otherwise run as Python in MONAI's config parser, and a wrong method or size fails here, named.
    """
    parser = ConfigParser()
    parser.read_config([str(CONFIGS / name) for name in ("train.json", "registration.json")])
    parser.update(checked_overrides(overrides or {}))
    return load_weights(parser.get_parsed_content("network_def"), ckpt, device)


def register_files(
    network: RegistrationNet,
    moving: str | Path,
    fixed: str | Path,
    output_dir: str | Path,
    phi: float | None = None,
    device: str = "cpu",
    precision: str = "fp32",
) -> tuple[dict[str, Path], str]:
    """Register ``moving`` onto ``fixed`` (NIfTI files on the same voxel grid, e.g. both affinely aligned
    to MNI152 as in training); write ``<moving>_warped.nii.gz`` and ``<moving>_ddf.nii.gz``.

    The network sees both images scaled as in training (``scale_intensity``); the moving image is
    warped at its original intensities. The displacement is written as (*spatial, ndim) in voxels
    of the fixed image's grid, component i along array axis i; both files carry the fixed image's
    affine, so they overlay it in any viewer. ``precision``: how the deployed U-Net runs (one of
    ``bundle.perf.precision.PRECISIONS``; "auto" the fastest on this machine for this image size); the
    integration and the warp stay in fp32. Returns the two paths and the precision the U-Net ran at.
    """
    # MONAI's reader keeps the file's array order and affine (no reorientation), which is what
    # lets the outputs reuse the fixed image's affine unchanged. A missing, unreadable, NaN, all-zero
    # or wrongly shaped file is one InputError naming it.
    loaded = CheckedLoadImaged(["moving", "fixed"])({"moving": str(moving), "fixed": str(fixed)})
    moving_image, fixed_image = loaded["moving"], loaded["fixed"]
    for image in (moving_image, fixed_image):
        check_image(image, network.spatial_dims, channels=1)
    moving_affine, fixed_affine = np.asarray(moving_image.affine), np.asarray(fixed_image.affine)
    if moving_image.shape != fixed_image.shape or not np.allclose(moving_affine, fixed_affine, atol=1e-3):
        raise ValueError(
            f"{moving} ({list(moving_image.shape[1:])} voxels, affine {moving_affine.round(3).tolist()}) and {fixed} "
            f"({list(fixed_image.shape[1:])} voxels, affine {fixed_affine.round(3).tolist()}) must share one grid: "
            "align both to the template first (bundle.registration.mindboggle)"
        )
    scaled = [torch.from_numpy(scale_intensity(image.numpy())) for image in (moving_image, fixed_image)]
    x = torch.cat(scaled)[None].to(device)
    network = (network if phi is None else network.materialize(phi)).to(device).eval()
    chosen = "fp32"
    if isinstance(network.unet, PhiUNet):  # deployed: a plain U-Net, which runs at any precision
        network.unet, chosen = with_precision(network.unet, precision, tuple(x.shape), device)
    elif precision != "fp32":
        raise ValueError(f"--precision {precision} runs a network deployed at one phi: give phi")
    with torch.no_grad():
        ddf = network.displacement(x)
        warped = warp(moving_image.as_tensor()[None].float().to(device), ddf)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(str(moving)).name.removesuffix(".gz").removesuffix(".nii")
    affine = np.asarray(fixed_image.affine)
    paths = {"warped": output_dir / f"{stem}_warped.nii.gz", "ddf": output_dir / f"{stem}_ddf.nii.gz"}
    arrays = {"warped": warped[0, 0].cpu().numpy(), "ddf": np.moveaxis(ddf[0].cpu().numpy(), 0, -1)}
    for name, array in arrays.items():  # through a temporary name: a killed run leaves no half-written file
        image = nib.Nifti1Image(array, affine)
        replace_atomically(paths[name], functools.partial(nib.save, image))
    return paths, chosen


# configs/registration_inference.json: a bad input or setting (--precision fp16, grids that differ) is one line and
# exit status 2, not the parser's traceback.
checked_register_files = exit_on_bad_input(register_files)
