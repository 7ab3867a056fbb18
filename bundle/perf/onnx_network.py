"""An ONNX export (``scripts/export.py --output X.onnx``) run by ONNX Runtime on the CPU, called like a torch network.

docs/performance.md measured ONNX Runtime 1.22x faster than torch bf16 on the deployed 2D network (and slower
for the 3D one), so ``scripts/segment.py`` runs ``.onnx`` files as it runs ``.ts`` ones. The graph is traced
for one spatial size (its metadata's ``input_shape``): images of another size go through sliding windows of that
size (:func:`onnx_inferer`).
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from monai.inferers import SlidingWindowInferer
from torch import nn

from bundle.export import EXPORTED_KEYS, exported_metadata


class OnnxNetwork(nn.Module):
    """``path`` (an ONNX export with the bundle's metadata) in an ONNX Runtime session on the CPU.

    ``forward`` takes (N, C, *spatial) float tensors of the export's spatial size and returns the logits
    (N, classes, *spatial) as a float32 tensor on the input's device. ``metadata``: what the export embeds
    (phi, dataset_name, spatial_size, in_channels, input_shape, ...).
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        try:
            import onnxruntime  # optional: pip install "sshn-bundle[onnx]"
        except ImportError as error:
            raise ValueError(f'running {path} needs onnxruntime: pip install "sshn-bundle[onnx]"') from error

        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"exported network {path} does not exist")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()  # the same CPU share as a torch run
        # idle threads spinning took the CPU from other work beside it (docs/performance.md)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own types for a file it cannot load
            raise ValueError(f"{path} is not an ONNX model: {str(error).splitlines()[0]}") from error
        properties = self.session.get_modelmeta().custom_metadata_map
        self.metadata = exported_metadata(
            path, properties.get("metadata.json"), "metadata.json model property", (*EXPORTED_KEYS, "input_shape")
        )
        self.spatial_size = [int(n) for n in self.metadata["input_shape"][2:]]
        self.input_name = self.session.get_inputs()[0].name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if list(x.shape[2:]) != self.spatial_size:
            raise ValueError(f"this ONNX network takes inputs of {self.spatial_size} voxels, got {list(x.shape[2:])}")
        logits = self.session.run(None, {self.input_name: x.detach().float().cpu().numpy()})[0]
        return torch.from_numpy(np.asarray(logits, dtype=np.float32)).to(x.device)


def onnx_inferer(spatial_size: Sequence[int], overlap: float = 0.25) -> SlidingWindowInferer:
    """Windows of the export's fixed ``spatial_size``: an image of that size is one window, a larger one is
    covered by windows overlapping by ``overlap``, a smaller one is zero-padded to it (MONAI's padding; the
    bundle's own inferer clips windows instead, which a fixed-size graph cannot take)."""
    return SlidingWindowInferer(roi_size=list(spatial_size), overlap=overlap, sw_batch_size=1)
