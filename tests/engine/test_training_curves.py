"""Training curves read from TensorBoard logs as a run of configs/train.json writes them."""

import time

import pytest
from PIL import Image
from torch.utils.tensorboard import SummaryWriter

from bundle.engine.training_curves import epoch_means, plot_training_curves, read_scalars, steps_per_epoch

STEPS_PER_EPOCH, EPOCHS = 3, 4


def _write_run(folder, epochs=EPOCHS, loss_offset=0.0) -> None:
    """Two event files as the trainer and the evaluator write them: loss per iteration, Dice per phi every 2 epochs."""
    trainer, evaluator = SummaryWriter(folder), SummaryWriter(folder)
    for step in range(1, epochs * STEPS_PER_EPOCH + 1):
        trainer.add_scalar("train_loss", 1.0 / step + loss_offset, step)
    for epoch in range(1, epochs + 1):
        trainer.add_scalar("lr/body", 1e-3 / epoch, epoch)
    for epoch in range(2, epochs + 1, 2):
        for phi in (0.1, 0.5):
            evaluator.add_scalar(f"val_mean_dice@{phi}", epoch / 10 + phi, epoch)
        evaluator.add_scalar("val_mean_dice", epoch / 10 + 0.3, epoch)
    trainer.close(), evaluator.close()


def test_scalars_are_read_by_tag_in_step_order(tmp_path):
    _write_run(tmp_path)
    scalars = read_scalars(tmp_path)
    assert sorted(scalars) == ["lr/body", "train_loss", "val_mean_dice", "val_mean_dice@0.1", "val_mean_dice@0.5"]
    assert [step for step, _ in scalars["train_loss"]] == list(range(1, 13))
    assert scalars["val_mean_dice@0.5"] == [(2, pytest.approx(0.7)), (4, pytest.approx(0.9))]


def test_a_resumed_run_keeps_the_later_value_of_a_repeated_step(tmp_path):
    _write_run(tmp_path, epochs=2)
    time.sleep(1.1)  # event file names hold the second they were made: the resumed run's sort after
    _write_run(tmp_path, epochs=4, loss_offset=10.0)
    loss = dict(read_scalars(tmp_path)["train_loss"])
    assert len(loss) == 12 and loss[1] == pytest.approx(11.0)


def test_epoch_means_average_each_epochs_iterations():
    assert epoch_means([(1, 1.0), (2, 3.0), (3, 5.0), (4, 7.0)], 2) == [(1, 2.0), (2, 6.0)]
    with pytest.raises(ValueError, match="steps_per_epoch must be >= 1"):
        epoch_means([(1, 1.0)], 0)


def test_the_plot_is_a_png(tmp_path):
    _write_run(tmp_path / "run")
    written = plot_training_curves(tmp_path / "run", tmp_path / "out" / "curves.png", "tiny", ce_epochs=2)
    assert Image.open(written).format == "PNG" and Image.open(written).size[0] > 500
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["curves.png"]  # no temporary left


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: None, "holds no TensorBoard event file"),
        (lambda folder: SummaryWriter(folder).close(), "its event files hold no scalars"),
        (lambda folder: _loss_only(folder), "expected the tags train_loss and val_mean_dice@<phi>"),
    ],
    ids=["empty folder", "no scalars", "no validation"],
)
def test_a_folder_that_is_not_a_training_run_is_one_error(tmp_path, make, message):
    make(tmp_path)
    with pytest.raises(ValueError, match=message):
        plot_training_curves(tmp_path, tmp_path / "curves.png", "bad")


def _loss_only(folder) -> None:
    writer = SummaryWriter(folder)
    writer.add_scalar("train_loss", 1.0, 1)
    writer.close()


def test_the_epoch_count_comes_from_the_learning_rate_when_the_last_epoch_was_not_validated(tmp_path):
    """5 epochs of 10 steps, validated at epochs 2 and 4, loss = the epoch: each epoch's mean is its number."""
    writer = SummaryWriter(tmp_path)
    for step in range(1, 51):
        writer.add_scalar("train_loss", float((step - 1) // 10 + 1), step)
    for epoch in range(1, 6):
        writer.add_scalar("lr", 1e-3, epoch)
    for epoch in (2, 4):
        writer.add_scalar("val_mean_dice@0.5", 0.5, epoch)
        writer.add_scalar("val_mean_dice@affine", 0.3, epoch)  # registration's floor: not a phi
    writer.close()
    plot_training_curves(tmp_path, tmp_path / "curves.png", "registration-like")
    scalars = read_scalars(tmp_path)
    assert steps_per_epoch(scalars, [2, 4]) == 10  # the last validated epoch would give 12
    assert epoch_means(scalars["train_loss"], 10) == [(epoch, float(epoch)) for epoch in range(1, 6)]
