"""Registration accuracy: Dice of warped moving labels against fixed labels, per pair, and the
fraction of folding voxels (non-positive Jacobian determinant) of the displacement field."""

from typing import cast

import torch
from monai.metrics import DiceMetric
from monai.networks.utils import one_hot


def pair_dice(warped_label: torch.Tensor, fixed_label: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Mean Dice over the foreground labels present in the fixed label map, one value per pair.

    ``warped_label``, ``fixed_label``: (N, 1, *spatial) integer ids 0 .. num_classes - 1 (0 is
    background, excluded). A label absent from the fixed map is left out of its pair's mean
    (MONAI gives NaN for it with ``ignore_empty=True``); one present in the fixed map but not in
    the warped map counts as 0. Returns (N,).
    """
    metric = DiceMetric(include_background=False, reduction="none", ignore_empty=True)
    per_label = metric(one_hot(warped_label.long(), num_classes), one_hot(fixed_label.long(), num_classes))
    # MONAI types a metric's result as a tensor or a list of them; tensors in give one tensor.
    return torch.nanmean(cast(torch.Tensor, per_label), dim=1)


def nonpositive_jacobian_fraction(ddf: torch.Tensor) -> torch.Tensor:
    """Fraction of voxels where the transform x -> x + ddf(x) folds (det of its Jacobian <= 0), per pair.

    ``ddf``: (N, ndim, *spatial) in voxels. Derivatives by ``torch.gradient`` (central inside,
    one-sided at the edges), as VoxelMorph's ``jacobian_determinant`` does with ``np.gradient``.
    Returns (N,).
    """
    ndim = ddf.dim() - 2
    if ddf.shape[1] != ndim:
        raise ValueError(f"expected a displacement field (N, {ndim}, *spatial), got {list(ddf.shape)}")
    # jacobian[..., i, j] = d(x_i + u_i) / d x_j
    rows = [torch.stack(torch.gradient(ddf[:, i], dim=list(range(1, ndim + 1))), dim=-1) for i in range(ndim)]
    jacobian = torch.stack(rows, dim=-2) + torch.eye(ndim, dtype=ddf.dtype, device=ddf.device)
    return (torch.linalg.det(jacobian) <= 0).flatten(1).float().mean(dim=1)
