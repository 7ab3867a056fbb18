"""The bundle's folder run (``run inferring``) goes on past an image it cannot finish, as scripts/segment.py does.

MONAI's evaluator stops at the first exception of its postprocessing: one label map that cannot be written
(a read-only folder, a name taken by a folder, a full disk) would end the run with a long traceback and
leave the images after it unsegmented.
"""

import logging
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path

import torch
from ignite.engine import Engine, Events
from monai.transforms import Compose

from bundle.data.datalist import image_files
from bundle.data.validation import explain

logger = logging.getLogger(__name__)


def _input_name(data: Mapping[Hashable, object]) -> str:
    for key in ("image", "pred"):
        meta = getattr(data.get(key), "meta", {})
        if "filename_or_obj" in meta:
            return str(meta["filename_or_obj"])
    return "<an input>"


class SkipFailed(Compose):
    """MONAI's ``Compose`` (same arguments) whose failure on a sample is one logged line naming the input and
    the cause; the sample is passed on unchanged, and the run goes on. A label map that is all background is
    written and named in a warning, as scripts/segment.py does. A ``Compose`` still, so that MONAI Label
    (which filters ``SaveImaged`` out of a bundle's ``postprocessing.transforms``) and the bundle's
    ``postprocessing`` property see the usual object. Attached to the evaluator (it is a handler too), it
    counts the run's inputs and the all-background maps when the run ends; :meth:`exit_on_failure`, called
    after the run, counts the inputs that got no label map and ends the process with status 1 where any did,
    as scripts/segment.py does.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.failed: list[tuple[str, str]] = []
        self.empty: list[str] = []  # written, but all background
        self.processed = 0  # the run's iterations (batches), set when it completes

    # MONAI's Compose names its first argument input_, its base Transform data: no name fits both.
    def __call__(  # type: ignore[override]
        self, data: Mapping[Hashable, object], *args, **kwargs
    ) -> Mapping[Hashable, object]:
        try:
            result = super().__call__(data, *args, **kwargs)
        except Exception as error:  # any cause: it is named, and the other inputs still get their label maps
            name = _input_name(data)
            self.failed.append((name, explain(error).removeprefix(f"{name}: ")))
            logger.error("failed: %s: %s", *self.failed[-1])
            return data
        pred = result.get("pred") if isinstance(result, Mapping) else None
        if isinstance(pred, torch.Tensor) and not pred.any():
            self.empty.append(_input_name(result))
            logger.warning(
                "all background: %s (often intensities or a voxel spacing far from the training data's)",
                self.empty[-1],
            )
        return result

    def attach(self, engine: Engine) -> None:
        engine.add_event_handler(Events.COMPLETED, self.summary)

    def summary(self, engine: Engine) -> None:
        """At the end of the run: how far it went, and how many label maps are all background."""
        self.processed = engine.state.iteration
        if self.empty:
            logger.warning("%d label maps are all background (named above)", len(self.empty))

    def exit_on_failure(self, input: str | Path | None = None, kept: Sequence[dict] = ()) -> None:
        """Log how many inputs got no label map and end the process with status 1 where any: those that failed
        here and (given the run's ``input`` file or folder and the datalist ``kept`` after screening) those
        that screening skipped, as scripts/segment.py counts them."""
        # Not from the COMPLETED handler: ignite logs a traceback for any exception raised inside the run.
        total = len(image_files(input)) if input is not None else max(len(kept), self.processed)
        skipped = total - len(kept) if input is not None else 0
        if self.failed or skipped:
            logger.error(
                "%d of %d inputs failed (named above): %d at screening, %d when segmented",
                skipped + len(self.failed),
                total,
                skipped,
                len(self.failed),
            )
            raise SystemExit(1)
