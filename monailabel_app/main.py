"""A MONAI Label app that serves this repository's bundle: the 3D hippocampus model, phi chosen per request.

Start it from the repository root (docs/README.md, "MONAI Label")::

    monailabel start_server --app monailabel_app --studies <folder of NIfTI volumes> \
        --conf models sshn_hippocampus --host 127.0.0.1 --port 8000

Everything is local: the bundle is the repository around this folder (configs/, models/model.pt),
so no model-zoo lookup or download happens.
"""

from pathlib import Path
from typing import Any

from fastapi import HTTPException
from monailabel.interfaces.app import MONAILabelApp
from monailabel.interfaces.tasks.infer_v2 import InferTask

from lib.infer_task import SSHNInferTask
from lib.phi import PhiError

MODEL = "sshn_hippocampus"
BUNDLE_ROOT = Path(__file__).resolve().parents[1]


def chosen_models(conf: dict[str, str]) -> list[str]:
    """The model names that ``--conf models`` asks for (comma-separated; "all" or absent: every one)."""
    names = [name.strip() for name in conf.get("models", "all").split(",") if name.strip()]
    if names in ([], ["all"]):
        return [MODEL]
    unknown = sorted(set(names) - {MODEL})
    if unknown:
        raise ValueError(f"--conf models: unknown model(s) {unknown}; this app serves {MODEL!r} (or 'all')")
    return names


class SSHNApp(MONAILabelApp):
    """The app: one inference task, :data:`MODEL`, on the bundle at :data:`BUNDLE_ROOT`; no training."""

    def __init__(self, app_dir: str, studies: str, conf: dict[str, str]) -> None:
        self.models = chosen_models(conf)
        super().__init__(
            app_dir=app_dir,
            studies=studies,
            conf=conf,
            name="Scale-Space HyperNetworks (SSHN)",
            description="Hippocampus segmentation of 3D T2 MRI with a per-request speed/accuracy choice (phi)",
        )

    def init_infers(self) -> dict[str, InferTask]:
        """The bundle's segmentation task under the name :data:`MODEL`."""
        return {name: SSHNInferTask(str(BUNDLE_ROOT), self.conf) for name in self.models}

    def infer(self, request: dict[str, Any], datastore: Any = None) -> dict[str, Any]:
        """MONAI Label's inference; a bad phi is answered with HTTP 400 and its message, not a server error."""
        try:
            return super().infer(request, datastore)
        except PhiError as error:
            raise HTTPException(status_code=400, detail=str(error)) from error
