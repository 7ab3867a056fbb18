import pytest
from ignite.engine import Engine
from monai.losses import DiceCELoss, DiceLoss

from bundle.engine.loss_schedule import LossSchedule


def test_cross_entropy_first_then_soft_dice():
    loss = DiceCELoss(to_onehot_y=True, softmax=True)
    weights = []
    engine = Engine(lambda engine, batch: weights.append((engine.state.epoch, loss.lambda_ce, loss.lambda_dice)))
    LossSchedule(loss, ce_epochs=2).attach(engine)
    engine.run([0], max_epochs=4)
    assert weights == [(1, 1.0, 0.0), (2, 1.0, 0.0), (3, 0.0, 1.0), (4, 0.0, 1.0)]


def test_a_loss_without_the_two_weights_is_refused():
    with pytest.raises(TypeError, match="DiceCELoss-like"):
        LossSchedule(DiceLoss(), ce_epochs=1)
