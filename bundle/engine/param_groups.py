"""The optimizer's parameter groups: the SSHN hypernetwork's output layer may step at its own rate."""

from torch import nn

from bundle.data.validation import exit_on_bad_input
from bundle.nets.sshn import SSHN


def param_groups(network: nn.Module, lr: float, head_lr_scale: float = 1.0) -> list[dict]:
    """Adam's parameter groups for ``network`` (its DDP or registration wrapper included).

    For an SSHN, two groups: the hypernetwork's body at ``lr`` and its output layer (the head,
    which holds almost all its parameters) at ``lr * head_lr_scale``. Adam moves every head weight
    by about its rate per step, so a predicted U-Net weight moves by about that rate times the L1
    norm of the last hidden layer (5 to 12 at initialization for a 16-unit layer): a head scale
    below 1 steps the predicted U-Net like a plain one while the body keeps the full rate. Any other
    network is one group at ``lr``; ``head_lr_scale`` must then be 1, so that a setting that would
    be ignored is refused instead.
    """
    if not head_lr_scale > 0:
        raise ValueError(f"head_lr_scale must be > 0, got {head_lr_scale!r}")
    sshn = next((module for module in network.modules() if isinstance(module, SSHN)), None)
    if sshn is None:
        if head_lr_scale != 1.0:
            raise ValueError(
                f"head_lr_scale applies to the SSHN's hypernetwork only, got {head_lr_scale} for another network"
            )
        return [{"params": list(network.parameters()), "lr": lr}]
    head = list(sshn.hypernet.head.parameters())
    head_ids = {id(p) for p in head}
    body = [p for p in network.parameters() if id(p) not in head_ids]
    # "name": read by bundle.engine.lr_logger (TensorBoard tags lr/body, lr/head); Adam keeps extra keys
    return [{"params": body, "lr": lr, "name": "body"}, {"params": head, "lr": lr * head_lr_scale, "name": "head"}]


# For the configs: a refused setting (head_lr_scale for a network without a hypernetwork) is one line, exit 2.
checked_param_groups = exit_on_bad_input(param_groups)
