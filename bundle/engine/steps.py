"""How many optimizer steps a run takes, for the learning-rate schedule's length."""

from collections.abc import Sized


def total_steps(epochs: int, loader: Sized) -> int:
    """``epochs`` passes over ``loader`` (its ``len`` counts batches): the steps of a run that early
    stopping does not end (the configs' ``lr_scheduler#t_total``)."""
    return epochs * len(loader)
