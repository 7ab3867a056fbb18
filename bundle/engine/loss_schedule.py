"""The paper's two training stages: cross-entropy pre-training, then soft-Dice fine-tuning."""

from ignite.engine import Engine, Events
from monai.losses import DiceCELoss


class LossSchedule:
    """Weights ``loss`` (a MONAI ``DiceCELoss``) as pure cross-entropy for the first ``ce_epochs``
    epochs and as pure soft Dice afterwards; the switch happens when an epoch starts, so a resumed
    run picks the right stage from its epoch counter.
    """

    def __init__(self, loss: DiceCELoss, ce_epochs: int) -> None:
        if not hasattr(loss, "lambda_ce") or not hasattr(loss, "lambda_dice"):
            raise TypeError(f"LossSchedule needs a DiceCELoss-like loss with lambda_ce and lambda_dice, got {loss}")
        self.loss, self.ce_epochs = loss, ce_epochs

    def attach(self, engine: Engine) -> None:
        engine.add_event_handler(Events.EPOCH_STARTED, self)

    def __call__(self, engine: Engine) -> None:
        dice = engine.state.epoch > self.ce_epochs
        self.loss.lambda_ce, self.loss.lambda_dice = (0.0, 1.0) if dice else (1.0, 0.0)
