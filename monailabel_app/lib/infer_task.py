"""MONAI Label's BundleInferTask for this bundle, with phi per request and integer label maps."""

import json
from pathlib import Path
from typing import Any

import numpy as np
from monai.inferers import Inferer
from monailabel.interfaces.tasks.infer_v2 import InferType
from monailabel.tasks.infer.bundle import BundleInferTask

from lib.phi import DEFAULT_PHI, PHI_CHOICES, request_phi
from lib.phi_inferer import PhiInferer


def phi_description(metadata: dict[str, Any]) -> str:
    """One line for /info/: what phi does, with the test Dice of each offered phi that metadata.json records."""
    dice = metadata.get("eval_metrics", {})
    keys = {phi: "mean_dice" if phi == DEFAULT_PHI else f"mean_dice_phi_{phi}" for phi in PHI_CHOICES}
    measured = ", ".join(f"{phi}: {dice[key]}" for phi, key in keys.items() if key in dice)
    offered = ", ".join(str(phi) for phi in PHI_CHOICES)
    return (
        f"Option phi (per request; offered {offered}, any number in [0, 1] accepted): {DEFAULT_PHI}, the default, "
        f"is the most accurate of these, lower is faster" + (f" (test Dice {measured})" if measured else "")
    )


class SSHNInferTask(BundleInferTask):
    """The bundle at ``bundle_root`` (configs/inference.json, models/model.pt) as a segmentation task.

    Beyond :class:`BundleInferTask`: the request's ``phi`` (checked by :func:`lib.phi.request_phi`;
    /info/ lists the offered values) reaches the network through :class:`PhiInferer`, and label maps
    are written as uint8 (MONAI Label's default writes the float32 it receives). Weights load
    strictly, so a checkpoint that does not fit the network fails instead of serving random weights.
    """

    def __init__(self, bundle_root: str, conf: dict[str, str]) -> None:
        super().__init__(
            bundle_root,
            conf,
            type=InferType.SEGMENTATION,
            load_strict=True,
            config={"phi": list(PHI_CHOICES)},
        )
        metadata = json.loads((Path(bundle_root) / "configs" / "metadata.json").read_text())
        summary = metadata.get("task") or metadata.get("description", "")
        self.description = f"{summary}. {phi_description(metadata)}"

    def __call__(self, request: dict[str, Any], callbacks: Any = None) -> tuple[Any, dict[str, Any]]:
        """Check the request's phi (default 0.5) before any work, then run MONAI Label's pipeline."""
        request = {**request, "phi": request_phi(request.get("phi"))}
        return super().__call__(request, callbacks)

    def inferer(self, data: dict[str, Any] | None = None) -> Inferer:
        """The bundle's inferer (configs/inference.json ``inferer``), the network run at the request's phi."""
        phi = request_phi(data.get("phi") if data else None)
        return PhiInferer(super().inferer(data), phi)

    def writer(self, data: dict[str, Any], extension: Any = None, dtype: Any = None) -> tuple[Any, Any]:
        """MONAI Label's writer with the label map stored as uint8 (labels 0, 1, 2), whatever ``dtype`` asks."""
        return super().writer(data, extension, np.uint8)
