"""How a deployed network runs on one image: whole, or in sliding windows clipped to the image."""

import copy
from collections.abc import Callable, Sequence
from typing import Any

import torch
from monai.inferers import Inferer, SimpleInferer, SlidingWindowInferer


class VolumeSlidingWindowInferer(SlidingWindowInferer):
    """MONAI's :class:`~monai.inferers.SlidingWindowInferer` with the window clipped to each input's size.

    A window dimension longer than the input's is cut to the input's length instead of MONAI's zero
    padding: the network then sees the image as it is (no padded border, which shifts the logits near
    it), and a window covering the whole volume gives exactly whole-volume inference.
    """

    def __call__(
        self,
        inputs: torch.Tensor,
        network: Callable[..., torch.Tensor | Sequence[torch.Tensor] | dict[Any, torch.Tensor]],
        *args: Any,
        **kwargs: Any,
    ) -> torch.Tensor | tuple[torch.Tensor, ...] | dict[Any, torch.Tensor]:
        """Logits (N, classes, *spatial) of ``inputs`` (N, C, *spatial), stitched from windows of ``network``."""
        clipped = copy.copy(self)  # a per-call roi; the inferer itself stays as configured
        # MONAI's roi_size may be one int for every axis, as in SlidingWindowInferer(96).
        window = [self.roi_size] * (inputs.dim() - 2) if isinstance(self.roi_size, int) else self.roi_size
        clipped.roi_size = [min(roi, size) for roi, size in zip(window, inputs.shape[2:], strict=True)]
        return SlidingWindowInferer.__call__(clipped, inputs, network, *args, **kwargs)


def make_inferer(
    roi_size: Sequence[int] | None = None, overlap: float = 0.25, spatial_dims: int = 3, sw_batch_size: int = 1
) -> Inferer:
    """Whole-image inference (``roi_size`` None, the default), or sliding windows of ``roi_size`` voxels.

    Sliding windows bound the memory of one forward pass by the window's size, not the volume's (see
    docs/performance.md for the measured time and memory); windows overlap by ``overlap`` (a fraction
    of the window, in [0, 1)) and are blended with equal weights; ``sw_batch_size`` windows per forward
    pass. ``roi_size`` needs one positive size per spatial dimension (``spatial_dims``); dimensions
    longer than an image are clipped to it (:class:`VolumeSlidingWindowInferer`).
    """
    if roi_size is None:
        return SimpleInferer()
    sizes = list(roi_size) if isinstance(roi_size, Sequence) and not isinstance(roi_size, str) else None
    if (
        sizes is None
        or len(sizes) != spatial_dims
        or not all(isinstance(size, int) and not isinstance(size, bool) and size > 0 for size in sizes)
    ):
        raise ValueError(f"roi_size must be a list of {spatial_dims} positive integers (voxels), got {roi_size!r}")
    if isinstance(overlap, bool) or not isinstance(overlap, int | float) or not 0 <= overlap < 1:
        raise ValueError(f"sliding-window overlap must be a number in [0, 1), got {overlap!r}")
    if isinstance(sw_batch_size, bool) or not isinstance(sw_batch_size, int) or sw_batch_size < 1:
        raise ValueError(f"sw_batch_size must be a positive integer, got {sw_batch_size!r}")
    return VolumeSlidingWindowInferer(sizes, sw_batch_size=sw_batch_size, overlap=float(overlap))
