"""MONAI transform chains for each dataset layout and stage (train, eval, infer).

Three families: "wbc" (2D RGB microscopy, .bmp images, .png masks 0/128/255), "msd"
(3D NIfTI as in the Medical Segmentation Decathlon; "hippocampus" is one) and "oasis" (neurite-oasis
NIfTI, 2D slices and 3D volumes, already aligned, at 1 mm and in [0, 1]). Kept in Python rather
than spelled out in every config so that a dataset variant is a one-line override.
"""

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from monai.data import MetaTensor
from monai.data.utils import create_file_basename
from monai.transforms import (
    Compose,
    EnsureTyped,
    Invertd,
    Lambdad,
    MapTransform,
    NormalizeIntensityd,
    Orientationd,
    RandAdjustContrastd,
    RandFlipd,
    RandRotate90d,
    RandScaleIntensityd,
    RandShiftIntensityd,
    Resized,
    ResizeWithPadOrCropd,
    SaveImaged,
    ScaleIntensityRanged,
    Spacingd,
    SqueezeDim,
    Transform,
)

from bundle.data.atomic_writers import AtomicNibabelWriter, AtomicPILWriter
from bundle.data.datasets import get_dataset
from bundle.data.label_map import LabelMapd
from bundle.data.skip_failed import SkipFailed
from bundle.data.validation import CheckedLoadImaged, CheckResampledSized, CheckSampled

STAGES = ("train", "eval", "infer")


def wbc_labels(mask: torch.Tensor) -> torch.Tensor:
    """WBC mask values 0 / 128 / 255 -> labels 0 (background) / 1 (cytoplasm) / 2 (nucleus).

    Any other value goes to the nearest of the three: five masks of dataset 2 (034, 035, 047, 050,
    076) hold 1 to 52 stray pixels of values such as 7 or 37, left over from their drawing.
    """
    return (mask > 64).to(mask.dtype) + (mask > 191).to(mask.dtype)


class PathKeepingSpacingd(Spacingd):
    """MONAI's ``Spacingd`` that leaves string entries named ``<key>_*`` (such as ``image_path``) alone.

    Why: MONAI 1.6's ``Spacingd`` copies a NIfTI image's metadata into every ``<key>_*`` entry of the
    sample, taking each for a metadata dict; MONAI Label 0.8.5 puts ``image_path`` (a str) into every
    request, so the plain transform fails there with ``'str' object has no attribute 'update'``.
    """

    def __call__(self, data: Mapping[Any, Any], lazy: bool | None = None) -> dict:
        prefixes = tuple(f"{key}_" for key in self.keys)
        paths = {k: v for k, v in data.items() if isinstance(v, str) and k.startswith(prefixes)}
        result = super().__call__({k: v for k, v in data.items() if k not in paths}, lazy)
        return {**result, **paths}


class SqueezeSliceAxisd(MapTransform):
    """Drops the last axis of a 2D image stored as a 3D array of one slice (``slice_*.nii.gz`` of
    neurite-oasis are 160 x 192 x 1); leaves any other shape for :class:`CheckSampled` to judge. Label maps
    of such an image are written 160 x 192, with the image's affine.

    Args:
        keys: the entries to squeeze, channel first.
        spatial_dims: the dataset's spatial dimensions: only a ``spatial_dims`` + 1 array whose last axis
            is 1 is squeezed.
    """

    def __init__(self, keys: list[str], spatial_dims: int) -> None:
        super().__init__(keys)
        self.spatial_dims = spatial_dims
        # update_meta=False keeps the file's 4 x 4 affine, which places the slice in the scanner's space and is
        # what the label map is written with; MONAI's update drops the third row and column, which for a
        # coronal slice (array axis 2 -> world y) leaves a degenerate affine.
        self.squeeze = SqueezeDim(dim=-1, update_meta=False)

    def __call__(self, data: Mapping[Hashable, torch.Tensor]) -> dict:
        d = dict(data)
        for key in self.key_iterator(d):
            if d[key].dim() == self.spatial_dims + 2 and d[key].shape[-1] == 1:
                squeezed = cast(torch.Tensor, self.squeeze(d[key]))  # a tensor in, a tensor out
                if isinstance(squeezed, MetaTensor):
                    # MONAI's writers count the saved array's spatial axes from this entry: with the file's three
                    # they would take the label map's channel for a spatial axis (1 x 160 x 192).
                    squeezed.meta["spatial_shape"] = np.asarray(squeezed.shape[1:])
                d[key] = squeezed
        return d


def _family(dataset: str) -> str:
    return get_dataset(dataset).family


def checked_loading(
    dataset: str, keys: list[str], spatial_dims: int, in_channels: int | None = None, num_classes: int | None = None
) -> list[Transform]:
    """The first transforms of every chain: load ``keys`` channel first, map WBC mask values to labels,
    drop the singleton third axis of neurite-oasis slices, check the sample (see ``bundle.data.validation``;
    None skips a check)."""
    chain: list[Transform] = [CheckedLoadImaged(keys)]
    if _family(dataset) == "wbc" and "label" in keys:
        chain.append(Lambdad("label", wbc_labels))
    if _family(dataset) == "oasis":
        chain.append(SqueezeSliceAxisd(keys, spatial_dims))
    return [*chain, CheckSampled(spatial_dims, in_channels, num_classes)]


def _wbc(stage: str, keys: list[str], spatial_size: Sequence[int], loaded: list[Transform]) -> list[Transform]:
    modes = ["area" if key == "image" else "nearest" for key in keys]
    chain = list(loaded)
    # The two source datasets come at 120x120 and 300x300: one size for batching, as in the paper.
    chain += [ScaleIntensityRanged("image", 0, 255, 0, 1, clip=True), Resized(keys, spatial_size, mode=modes)]
    if stage == "train":
        chain += [
            RandFlipd(keys, prob=0.5, spatial_axis=0),
            RandFlipd(keys, prob=0.5, spatial_axis=1),
            RandRotate90d(keys, prob=0.5),
            RandAdjustContrastd("image", prob=0.3, gamma=(0.7, 1.5)),
        ]
    return chain


def _msd(
    stage: str, keys: list[str], spatial_size: Sequence[int], pixdim: Sequence[float], loaded: list[Transform]
) -> list[Transform]:
    modes = ["bilinear" if key == "image" else "nearest" for key in keys]
    chain: list[Transform] = [
        *loaded,
        Orientationd(keys, axcodes="RAS", labels=(("L", "R"), ("P", "A"), ("I", "S"))),
        CheckResampledSized("image", pixdim),
        PathKeepingSpacingd(keys, pixdim=pixdim, mode=modes),
        NormalizeIntensityd("image", channel_wise=True),
    ]
    if stage == "train":
        # Training batches need one size; evaluation and inference run each volume at its own size.
        chain += [
            ResizeWithPadOrCropd(keys, spatial_size),
            RandFlipd(keys, prob=0.5, spatial_axis=0),  # left-right only: anterior/posterior labels stay put
            RandScaleIntensityd("image", factors=0.1, prob=0.5),
            RandShiftIntensityd("image", offsets=0.1, prob=0.5),
        ]
    return chain


def _oasis(stage: str, keys: list[str], spatial_size: Sequence[int], loaded: list[Transform]) -> list[Transform]:
    # neurite-oasis images are aligned to one template at 1 mm and scaled to [0, 1] already: no resampling,
    # reorientation or z-scoring. They all come at one size, so every stage runs at spatial_size, their size
    # by default (nothing cropped); a smaller one (a CPU test) crops around the centre, padding is undone at
    # inference (Invertd).
    chain = [*loaded, ResizeWithPadOrCropd(keys, spatial_size)]
    if stage == "train":
        # Intensity only: FreeSurfer's structures come in left and right twins, so a left-right flip would have
        # to swap their labels.
        chain += [
            RandScaleIntensityd("image", factors=0.1, prob=0.5),
            RandShiftIntensityd("image", offsets=0.1, prob=0.5),
        ]
    return chain


def preprocessing(
    dataset: str,
    stage: str,
    spatial_size: Sequence[int],
    pixdim: Sequence[float] = (1.0, 1.0, 1.0),
    in_channels: int | None = None,
    num_classes: int | None = None,
) -> Compose:
    """Transforms from file names to tensors for ``dataset`` at ``stage`` ("train", "eval" or "infer").

    ``spatial_size``: the network input size (WBC and OASIS: every stage, pixels or voxels; MSD: training
    crops, voxels); its length is the number of spatial dimensions every image must have. ``pixdim``: MSD
    voxel spacing in mm. "infer" reads the image alone. Every file is checked once loaded (see
    ``bundle.data.validation``): ``in_channels`` image channels and ``num_classes`` label classes,
    None for no check of that.
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
    keys = ["image"] if stage == "infer" else ["image", "label"]
    loaded = checked_loading(dataset, keys, len(spatial_size), in_channels, num_classes)
    family = _family(dataset)
    if family == "wbc":
        chain = _wbc(stage, keys, spatial_size, loaded)
    elif family == "oasis":
        chain = _oasis(stage, keys, spatial_size, loaded)
    else:
        chain = _msd(stage, keys, spatial_size, pixdim, loaded)
    return Compose([*chain, EnsureTyped(keys)])


def label_map_name(image: str | Path, dataset: str) -> str:
    """The file name :func:`inference_postprocessing` gives the label map of ``image``: ``<stem>_seg`` + PNG for
    WBC images, NIfTI for volumes, the stem as SaveImaged makes it (one extension off, two where the last is
    ``.gz``: ``a.NII.gz`` -> ``a_seg.nii.gz``)."""
    # MONAI's own naming function, so that this name is the one SaveImaged writes.
    base = create_file_basename("seg", str(image), "", separate_folder=False, makedirs=False)
    return f"{Path(base).name}{'.png' if _family(dataset) == 'wbc' else '.nii.gz'}"


def inference_postprocessing(dataset: str, preprocess: Compose, output_dir: str, skip_failed: bool = False) -> Compose:
    """Logits -> label map in the input's own geometry (size, orientation, spacing), saved beside its name.

    Label maps are saved as label indices (WBC: 0 background, 1 cytoplasm, 2 nucleus) in the input's
    format family: PNG for WBC images, NIfTI for volumes, each written to a temporary name and renamed.
    ``skip_failed``: a sample that fails is logged and skipped (:class:`~bundle.data.skip_failed.SkipFailed`,
    for the bundle's folder run) instead of raising.
    """
    wbc = _family(dataset) == "wbc"
    extension, writer = (".png", AtomicPILWriter) if wbc else (".nii.gz", AtomicNibabelWriter)
    return (SkipFailed if skip_failed else Compose)(
        [
            LabelMapd("pred"),
            Invertd("pred", transform=preprocess, orig_keys="image", nearest_interp=True),
            SaveImaged(
                "pred",
                output_dir=output_dir,
                output_postfix="seg",
                output_ext=extension,
                output_dtype="uint8",
                separate_folder=False,
                resample=False,
                writer=writer,
            ),
        ]
    )
