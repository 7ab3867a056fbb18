"""Checks on the files a user hands us: one clear error naming the file and the problem.

``CheckedLoadImaged`` loads (a missing, unreadable or truncated file becomes an :class:`InputError`)
and ``CheckSampled`` checks what was loaded (dimensions, channels, finite intensities,
not all zero, label classes, image/label shapes). Both sit in every transform chain of
``bundle.data.transforms``; ``bundle.data.screening`` runs them over a datalist up front.
"""

import errno
import functools
import math
import os
import sys
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

import nibabel as nib
import numpy as np
import torch
from monai.data import MetaTensor
from monai.data.utils import affine_to_spacing
from monai.transforms import LoadImage, LoadImaged, MapTransform
from nibabel.spatialimages import SpatialHeader
from PIL import Image

P = ParamSpec("P")
R = TypeVar("R")
# The most voxels an image may declare, or reach once resampled, before anything is allocated: 2^27 voxels
# (512^3; 0.5 GB in float32, and the network's activations many times that). SSHN_MAX_VOXELS raises it.
DEFAULT_MAX_VOXELS = 2**27


def max_voxels() -> int:
    """The voxel limit: the environment's ``SSHN_MAX_VOXELS`` (an integer), else :data:`DEFAULT_MAX_VOXELS`."""
    value = os.environ.get("SSHN_MAX_VOXELS", "")
    if not value:
        return DEFAULT_MAX_VOXELS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"SSHN_MAX_VOXELS must be a positive integer, got {value!r}")
    return int(value)


class InputError(ValueError):
    """A user's file that cannot be used; ``str()`` is "<file>: <problem>"."""

    def __init__(self, path: str | os.PathLike, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


def exit_on_bad_input(check: Callable[P, R]) -> Callable[P, R]:
    """``check`` for MONAI's config parser: a bad input ends the run with one line on stderr and exit status 2.

    The parser wraps an error raised in a config expression into a traceback of about 100 lines that
    buries the cause; SystemExit is not an Exception, so it passes through. For functions that configs
    call before any work (fetching the data, checking checkpoints); Python callers use the undecorated ones.
    """

    @functools.wraps(check)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return check(*args, **kwargs)
        except (OSError, ValueError) as error:  # InputError, HashCheckError and FileNotFoundError among them
            print(f"error: {explain(error)}", file=sys.stderr)
            raise SystemExit(2) from error

    return checked


def explain(error: BaseException) -> str:
    """One line for ``error``: the :class:`InputError` it wraps (MONAI's ``Compose`` and data loaders wrap
    a transform's error in RuntimeErrors), else the innermost error's type and first line."""
    cause: BaseException | None = error
    innermost = error
    while cause is not None:
        if isinstance(cause, InputError):
            return str(cause)
        innermost = cause
        cause = cause.__cause__ or cause.__context__
    text = [line for line in str(innermost).strip().splitlines() if line.strip()]
    if text and "cannot find a suitable writer" in text[0]:
        # MONAI's SaveImage folds each writer's traceback into its message: the last line is the real cause
        # (a read-only folder, a full disk), where the first names only the file.
        return f"cannot write {text[0].split(' for ', 1)[-1].rstrip('.')}: {text[-1].strip()[:300]}"
    if isinstance(innermost, MemoryError):  # raised without a message by numpy and torch
        return "MemoryError: not enough memory for this image (try --roi_size, sliding windows, or a smaller input)"
    return f"{type(innermost).__name__}: {text[0][:300] if text else '(no message)'}"


def declared_shape(path: str | Path) -> tuple[int, ...] | None:
    """The image size a file's header declares, read without its data (NIfTI, or PIL's formats);
    None where the header cannot tell (the loader then reports the file)."""
    try:
        if str(path).lower().endswith((".nii", ".nii.gz")):  # as the loaders: any case
            # nibabel types load() as its base image class; a NIfTI file's header is a spatial one.
            header = cast(SpatialHeader, nib.load(path).header)
            return tuple(int(n) for n in header.get_data_shape())
        with Image.open(path) as image:
            return (*image.size, len(image.getbands()))
    except Exception:  # an unreadable header: the loader's own message names the problem
        return None


def _check_voxels(path: str | Path, shape: Sequence[int], what: str) -> None:
    limit = max_voxels()
    if math.prod(shape) > limit:
        raise InputError(
            path,
            f"{what} {' x '.join(str(n) for n in shape)} = {math.prod(shape):,} voxels, over the limit of {limit:,} "
            "(set SSHN_MAX_VOXELS to raise it)",
        )


def _not_a_file(path: Path) -> str:
    """Why ``path``, which is not a readable regular file, cannot be loaded."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python < 3.13 raises RuntimeError for a loop
            return "is a link loop"
        except OSError as error:  # FileNotFoundError for a dangling link, ELOOP for a loop
            return (
                "is a link loop" if error.errno == errno.ELOOP else f"is a link to a missing file ({os.readlink(path)})"
            )
    if path.is_dir():
        return "is a folder, not an image file"
    if path.exists():  # a pipe, socket or device
        return "is not a regular file"
    return "file does not exist"


class CheckedLoadImaged(LoadImaged):
    """MONAI's ``LoadImaged`` (channel first, image only) whose failures are one :class:`InputError` each.

    A subclass rather than a wrapper so that MONAI Label, which swaps every ``LoadImaged`` of a
    bundle's preprocessing for its own loader, still recognizes it.
    """

    def __init__(self, keys: list[str] | str, allow_missing_keys: bool = False) -> None:
        super().__init__(keys, image_only=True, ensure_channel_first=True, allow_missing_keys=allow_missing_keys)
        self.load = LoadImage(image_only=True, ensure_channel_first=True)

    def __call__(self, data: Mapping[Hashable, object], reader: object = None) -> dict:
        d = dict(data)
        for key in self.key_iterator(d):
            # Whatever the sample holds: a file name, or anything else, which the loader refuses below.
            path: Any = d[key]
            if isinstance(path, str | Path) and not Path(path).is_file():
                image = data.get("image")  # its file name: d["image"] may be loaded already
                of = f" (the {key} of {image})" if key != "image" and isinstance(image, str | Path) else ""
                raise InputError(path, f"{_not_a_file(Path(path))}{of}")
            shape = declared_shape(path) if isinstance(path, str | Path) else None
            if shape is not None:  # before any allocation: a 79-byte file may declare 1000^3 voxels
                _check_voxels(path, shape, "header declares")
            try:
                with np.errstate(over="ignore"):  # float64 beyond float32's range: reported below, by name
                    d[key] = self.load(path)
            except Exception as error:  # nibabel, PIL and MONAI raise many types for a bad file
                raise InputError(path, f"cannot be read as an image ({explain(error)})") from error
            loaded = d[key]
            finite = not isinstance(loaded, torch.Tensor) or bool(torch.isfinite(loaded).all())
            if isinstance(path, str | Path) and not finite:
                _check_float32_range(path)
        return d


def _check_float32_range(path: str | Path) -> None:
    """Raise an :class:`InputError` where the file's own values are finite but overflow float32, the loader's
    type (float64 values of 1e300 become infinite): said as such, not as "NaN or infinite values"."""
    values = torch.as_tensor(LoadImage(image_only=True, dtype=None)(path))
    if values.is_floating_point() and bool(torch.isfinite(values).all()):
        largest, limit = float(values.abs().max()), torch.finfo(torch.float32).max
        raise InputError(
            path, f"values reach {largest:.3g}, beyond float32's range (+-{limit:.3g}) in which the bundle computes"
        )


def _name(tensor: torch.Tensor) -> str:
    meta = getattr(tensor, "meta", {})
    return str(meta.get("filename_or_obj", "<unnamed input>"))


MIN_SIZE = 2  # voxels along each axis


def check_image(image: torch.Tensor, spatial_dims: int, channels: int | None = None) -> None:
    """Raise an :class:`InputError` unless ``image`` (C, *spatial) has ``spatial_dims`` spatial axes of at least
    :data:`MIN_SIZE` voxels, ``channels`` channels (None: any), only finite values and not only zeros."""
    name, shape, dims = _name(image), tuple(image.shape), image.dim() - 1
    if dims != spatial_dims:
        raise InputError(name, f"image has {dims} spatial dimensions (shape {shape}), expected {spatial_dims}")
    if channels is not None and image.shape[0] != channels:
        raise InputError(name, f"image has {image.shape[0]} channels (shape {shape}), expected {channels}")
    if min(shape[1:]) < MIN_SIZE:
        # MONAI's writers drop axes of length 1 and then fail to write the label map: refused before any work.
        sizes = " x ".join(str(n) for n in shape[1:])
        raise InputError(name, f"image is {sizes} voxels: at least {MIN_SIZE} along every axis are needed")
    values = torch.as_tensor(image).float()
    bad = int((~torch.isfinite(values)).sum())
    if bad:
        raise InputError(name, f"image holds {bad} NaN or infinite values")
    if not values.any():
        raise InputError(name, "image is all zeros: nothing to segment")


def check_label(label: torch.Tensor, image: torch.Tensor, num_classes: int) -> None:
    """Raise an :class:`InputError` unless ``label`` (1, *spatial) matches ``image``'s spatial shape and holds
    only the classes 0 .. ``num_classes`` - 1."""
    name = _name(label)
    if label.shape[0] != 1:
        raise InputError(name, f"label has {label.shape[0]} channels (shape {tuple(label.shape)}), expected 1")
    if label.shape[1:] != image.shape[1:]:
        ours, theirs = tuple(label.shape[1:]), tuple(image.shape[1:])
        raise InputError(name, f"label shape {ours} differs from its image's {theirs} ({_name(image)})")
    values = torch.unique(torch.as_tensor(label).float())
    outside = values[(values != values.round()) | (values < 0) | (values >= num_classes)]
    if outside.numel():
        shown = ", ".join(f"{v:g}" for v in outside[:5].tolist())
        raise InputError(name, f"label values {shown} are outside the classes 0..{num_classes - 1}")


class CheckSampled(MapTransform):
    """Checks a loaded sample (after :class:`CheckedLoadImaged`) with :func:`check_image` and, where the
    sample has one, :func:`check_label`; returns it unchanged.

    Args:
        spatial_dims: 2 or 3.
        channels: image channels (None: any).
        num_classes: label classes including background (None: labels are not checked).
    """

    def __init__(self, spatial_dims: int, channels: int | None = None, num_classes: int | None = None) -> None:
        super().__init__(["image", "label"], allow_missing_keys=True)
        self.spatial_dims, self.channels, self.num_classes = spatial_dims, channels, num_classes

    def __call__(self, data: Mapping[Hashable, torch.Tensor]) -> Mapping[Hashable, torch.Tensor]:
        check_image(data["image"], self.spatial_dims, self.channels)
        if "label" in data and self.num_classes is not None:
            check_label(data["label"], data["image"], self.num_classes)
        return data


class CheckResampledSized(MapTransform):
    """Refuses, before resampling to ``pixdim`` (mm), an image whose resampled grid would exceed the voxel
    limit (:func:`max_voxels`): a small volume whose header says 20 mm voxels would otherwise grow 8,000-fold
    at 1 mm. Returns the sample unchanged."""

    def __init__(self, keys: list[str] | str, pixdim: Sequence[float]) -> None:
        super().__init__(keys)
        self.pixdim = [float(p) for p in pixdim]

    def __call__(self, data: Mapping[Hashable, MetaTensor]) -> Mapping[Hashable, MetaTensor]:
        for key in self.key_iterator(dict(data)):
            image = data[key]
            spacing = affine_to_spacing(image.affine, r=len(self.pixdim)).tolist()
            shape = [
                max(1, math.ceil(n * s / p)) for n, s, p in zip(image.shape[1:], spacing, self.pixdim, strict=True)
            ]
            _check_voxels(_name(image), shape, f"resampling to {self.pixdim} mm gives")
        return data
