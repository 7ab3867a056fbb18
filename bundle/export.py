"""The deployed network for one phi, and its TorchScript export with the bundle's metadata inside."""

import copy
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

from bundle.data.validation import InputError, explain
from bundle.io import replace_atomically
from bundle.nets.conditioned import PhiConditionedUNet
from bundle.nets.unet import PhiUNet, phi_argument

ModuleT = TypeVar("ModuleT", bound=nn.Module)  # load_weights hands back the network it is given


def unwrapped(network: nn.Module) -> nn.Module:
    """The network a ``DistributedDataParallel`` wrapper holds (configs/multi_gpu_train.json), or ``network``."""
    return getattr(network, "module", network)


def deployed_network(network: nn.Module, phi: float | Sequence[float]) -> PhiUNet:
    """A plain :class:`PhiUNet` that runs at ``phi`` by default, in eval mode, for any method.

    SSHN and FiLM materialize their weights for ``phi`` (their conditioning network is left out);
    a Fixed or Stochastic U-Net is copied with ``phi`` as its default.
    """
    network = unwrapped(network)
    if isinstance(network, PhiConditionedUNet):
        return network.materialize(phi_argument(phi)).eval()
    if not isinstance(network, PhiUNet):
        raise TypeError(f"expected a PhiUNet, SSHN or FiLMUNet, got {type(network).__name__}")
    deployed = copy.deepcopy(network).eval()
    deployed.phi = deployed.resolve_phi(phi_argument(phi))
    return deployed


def network_for(network: nn.Module, weights_phi: float | None = None) -> nn.Module:
    """``network`` itself (None), or the plain network with the weights it makes for ``weights_phi``
    (:func:`deployed_network`), still runnable at any phi: evaluating it over phi is the paper's weight
    transfer (Figure 9), which shows whether a hypernetwork's weights are made for their phi."""
    return network if weights_phi is None else deployed_network(network, weights_phi)


def read_checkpoint(path: str | Path) -> dict:
    """The dict saved at ``path`` (a state dict, or a training checkpoint of several), read onto the CPU with
    ``weights_only=True``; anything else is one :class:`InputError` naming the file and the problem.

    Always the CPU: ``load_state_dict`` copies into the network wherever it lives, and a bad device name must
    not read as a bad checkpoint."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    if zipfile.is_zipfile(path) and _is_torchscript(path):
        raise InputError(path, "is a TorchScript file (scripts/export.py writes those): give the checkpoint model.pt")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # truncated, corrupt, or a pickle weights_only refuses: many types
        raise InputError(path, f"cannot be read as a checkpoint ({explain(error)})") from error
    if not isinstance(state, dict) or not all(isinstance(key, str) for key in state):
        raise InputError(path, f"holds a {type(state).__name__}, not a checkpoint's dict of named tensors")
    return state


def _is_torchscript(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(name.endswith("constants.pkl") for name in archive.namelist())


def check_fits(state: dict, network: nn.Module, path: str | Path) -> dict[str, torch.Tensor]:
    """The state dict in ``state`` (its "model" entry, if any), checked against ``network`` (a DDP wrapper
    is looked through): every key present, no other, each of its shape, finite weights; else one
    :class:`InputError`."""
    state = state.get("model", state) if isinstance(state, dict) else state
    expected = unwrapped(network).state_dict()
    if not isinstance(state, dict):
        raise InputError(path, f"its model entry is a {type(state).__name__}, not a state dict")
    missing, unexpected = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
    mismatched = [
        key
        for key in expected
        if key in state and (not isinstance(state[key], torch.Tensor) or state[key].shape != expected[key].shape)
    ]
    if missing or unexpected or mismatched:
        raise InputError(
            path,
            f"checkpoint does not fit this network ({type(getattr(network, 'module', network)).__name__}): "
            f"{len(missing)} missing keys {missing[:3]}, {len(unexpected)} unexpected {unexpected[:3]}, "
            f"{len(mismatched)} of another shape {mismatched[:3]}; was it trained with another method or architecture?",
        )
    broken = [key for key in expected if state[key].is_floating_point() and not torch.isfinite(state[key]).all()]
    if broken:  # a run that diverged: its maps would be all background, its fine-tuning all NaN
        raise InputError(path, f"{len(broken)} tensors hold NaN or infinite weights {broken[:3]}: a diverged run?")
    return state


def load_weights(network: ModuleT, path: str | Path, device: torch.device | str = "cpu") -> ModuleT:
    """``network`` on ``device`` with the state dict saved at ``path`` (a bundle checkpoint), strictly.

    Loading uses ``weights_only=True`` (:func:`read_checkpoint`); a checkpoint of another method or
    architecture is one clear error naming the file instead of a silently half-loaded network.
    """
    network.load_state_dict(check_fits(read_checkpoint(path), network, path))
    return network.to(device)


def export_torchscript(network: nn.Module, phi: float, path: str | Path, metadata: dict) -> Path:
    """Script the network deployed at ``phi`` and save it with ``metadata`` (plus phi) as extra/metadata.json.

    The file loads with torch alone: ``torch.jit.load(path, _extra_files={"metadata.json": ""})``.
    Written to a temporary name and renamed, so a failed export leaves no half-written file.
    """
    path = Path(path)
    scripted = torch.jit.script(deployed_network(network, phi))
    extra = {"metadata.json": json.dumps(metadata | {"phi": phi})}
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, lambda temporary: torch.jit.save(scripted, str(temporary), _extra_files=extra))
    return path


def export_onnx(network: nn.Module, phi: float, path: str | Path, input_shape: Sequence[int], metadata: dict) -> Path:
    """ONNX of the network deployed at ``phi`` for inputs of ``input_shape`` (N, C, *spatial; any N), with
    ``metadata`` (plus phi and the input shape) as the model property "metadata.json".

    Unlike TorchScript, the graph is traced for one spatial size: the resize sizes are computed from it.
    Needs the optional ``onnx`` extra (onnx, onnxscript). Written to a temporary name and renamed.
    """
    import onnx  # optional: pip install "sshn-bundle[onnx]"

    deployed = deployed_network(network, phi).cpu()
    example = torch.zeros(tuple(input_shape))
    batch = {0: torch.export.Dim("batch")}
    program = torch.onnx.export(deployed, (example,), dynamo=True, dynamic_shapes=(batch,), verbose=False)
    assert program is not None  # the dynamo exporter returns its program; None is the legacy exporter's
    model = program.model_proto
    extra = metadata | {"phi": phi, "input_shape": ["N", *input_shape[1:]]}
    onnx.helper.set_model_props(model, {"metadata.json": json.dumps(extra)})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, lambda temporary: onnx.save(model, str(temporary)))
    return path


# What a consumer of an export needs to run it as the bundle would: the phi it was materialized at,
# the preprocessing of its dataset, and the training input size (WBC resizes every image to it).
EXPORTED_KEYS = ("phi", "dataset_name", "spatial_size")


def load_exported(path: str | Path, device: torch.device | str = "cpu") -> tuple[torch.jit.ScriptModule, dict]:
    """A network written by :func:`export_torchscript` and its embedded metadata (phi, dataset, input size...).

    A file that is not such an export, or whose metadata lacks one of ``EXPORTED_KEYS``, is one clear
    error naming it.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"exported network {path} does not exist")
    extra = {"metadata.json": ""}
    try:
        network = torch.jit.load(str(path), map_location=device, _extra_files=extra)
    except RuntimeError as error:
        raise ValueError(f"{path} is not a TorchScript file: {str(error).splitlines()[0]}") from error
    return network.eval(), exported_metadata(path, extra["metadata.json"] or None, "extra/metadata.json")


def exported_metadata(path: str | Path, text: str | None, name: str, required: Sequence[str] = EXPORTED_KEYS) -> dict:
    """The bundle metadata an export of ``path`` carries as ``text`` (None: it holds none), where the export keeps it
    under ``name`` (for the messages): JSON with every key of ``required``; else one ValueError naming the file."""
    if text is None:
        raise ValueError(f"{path} holds no {name}: export it with scripts/export.py")
    try:
        metadata = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: its {name} is not JSON ({error})") from error
    missing = [key for key in required if not isinstance(metadata, dict) or key not in metadata]
    if missing:
        raise ValueError(f"{path}: its {name} lacks {missing}: export it with scripts/export.py")
    return metadata
