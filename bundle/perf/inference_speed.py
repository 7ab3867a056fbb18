"""Ways to run a deployed (fixed-phi) network faster, each checked against plain fp32 eager execution.

Every precision wraps the same :class:`~bundle.nets.unet.PhiUNet`; :func:`interleaved_latency_ms` times
them on identical inputs, their passes interleaved, so their speed-ups are measured side by side.
"""

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import cast

import torch
from monai.data import MetaTensor
from torch import nn

from bundle.nets.unet import PhiUNet
from bundle.perf.interleave import Key, interleaved_runs

FAST_PRECISIONS = ("fp32", "channels_last", "bf16", "compiled")
# Precisions that can be combined with "+" (e.g. "channels_last+bf16+compiled"); "fp32" is none of them.
PARTS = FAST_PRECISIONS[1:]


def precision_parts(precision: str) -> frozenset[str]:
    """The optimizations a precision name asks for: "fp32" none, else its "+"-separated :data:`PARTS`."""
    parts = frozenset() if precision == "fp32" else frozenset(precision.split("+"))
    if not parts <= set(PARTS) or (precision != "fp32" and len(parts) != len(precision.split("+"))):
        raise ValueError(
            f"precision must be one of {FAST_PRECISIONS} or a '+'-joined set of {PARTS}, got {precision!r}"
        )
    return parts


class FastNetwork(nn.Module):
    """``network`` run as ``precision``: "fp32" (eager), "channels_last" (NHWC / NDHWC memory layout),
    "bf16" (autocast to bfloat16, logits returned in fp32), "compiled" (``torch.compile``; on CUDA with
    mode "reduce-overhead", i.e. CUDA graphs, which pay off at small batches), or several of them joined
    by "+" (e.g. "channels_last+bf16+compiled").

    The input is converted inside ``forward``, so callers pass ordinary (N, C, *spatial) tensors.
    """

    def __init__(self, network: PhiUNet, precision: str = "fp32") -> None:
        super().__init__()
        self.parts = precision_parts(precision)
        self.precision = precision
        self.layout = torch.channels_last if network.spatial_dims == 2 else torch.channels_last_3d
        module: nn.Module = network
        if "channels_last" in self.parts:
            # Module.to takes memory_format (torch's documentation), but its typed overloads leave it out.
            module = module.to(memory_format=self.layout)  # type: ignore[call-overload]
        if "compiled" in self.parts:
            cuda = next(module.parameters()).device.type == "cuda"
            # torch types compile()'s result as a plain callable; for a Module it is an OptimizedModule.
            module = cast(nn.Module, torch.compile(module, mode="reduce-overhead" if cuda else None))
        self.network = module

    def forward(self, x: torch.Tensor, phi: float | None = None) -> torch.Tensor:
        """Logits of ``x``; ``phi`` None runs the network at its own (deployed) phi, as ``RegistrationNet`` asks."""
        if "compiled" in self.parts and isinstance(x, MetaTensor):
            # MONAI's MetaTensor (what its transforms return) breaks the graph at every operation
            # (its __torch_function__), so torch.compile would silently run most of the network eagerly.
            x = x.as_tensor()
        if "channels_last" in self.parts:
            x = x.contiguous(memory_format=self.layout)
        autocast = (
            torch.autocast(x.device.type, dtype=torch.bfloat16) if "bf16" in self.parts else contextlib.nullcontext()
        )
        with autocast:
            return (self.network(x) if phi is None else self.network(x, phi)).float()


def _forward(network: nn.Module, x: torch.Tensor) -> Callable[[int], object]:
    """One pass of ``network`` on ``x`` as an action of :func:`interleaved_runs` (the round's index unused)."""
    return lambda _: network(x)


def interleaved_latency_ms(
    networks: Mapping[Key, nn.Module], input_shape: Sequence[int], repeats: int = 10, warmup: int = 1, seed: int = 0
) -> dict[Key, dict[str, float]]:
    """Median wall time (ms) of one forward pass of each network on the same input of ``input_shape``
    (N, C, *spatial), and the seconds its first ``warmup`` passes took (for "compiled": compilation);
    keyed as ``networks`` (any names, e.g. (phi, precision) pairs). Passes are interleaved
    (:func:`bundle.perf.interleave.interleaved_runs`), so load from other processes slows all alike.
    """
    device = next(next(iter(networks.values())).parameters()).device
    x = torch.randn(tuple(input_shape), generator=torch.Generator().manual_seed(seed)).to(device)
    with torch.no_grad():
        measured = interleaved_runs({name: _forward(net, x) for name, net in networks.items()}, repeats, warmup, device)
    return {name: {"ms": row["ms"], "warmup_s": row["warmup_s"]} for name, row in measured.items()}
