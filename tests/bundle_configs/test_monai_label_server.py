"""A live MONAI Label server on monailabel_app/ answers inference over HTTP (marked slow).

The test starts ``monailabel start_server`` as a clinic would (docs/README.md, "MONAI Label"), on
127.0.0.1 and a free port, over a studies folder holding two real MSD hippocampus volumes; asks
/info/ for the model, its labels and its phi choice; segments one volume by its image id and one
by upload, each at two phis; checks each label map against the input's geometry and the reference
label; and checks that a bad phi gets an error response while the server keeps serving. The server
runs without PYTHONPATH and outside the repository: the app finds the bundle by itself.

It needs monailabel (its own virtual environment, since it pins its own packages) and the data at
../shared/data/hippocampus; elsewhere it skips, saying which is missing.
"""

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
import requests

from tests.bundle_configs.conftest import ROOT

pytestmark = pytest.mark.slow

DATA = ROOT.parent / "shared" / "data" / "hippocampus"
APP = ROOT / "monailabel_app"
MODEL = "sshn_hippocampus"
CASES = ("hippocampus_001", "hippocampus_003")  # the first served by image id, the second uploaded
PHIS = (0.25, 0.5)
STARTUP_TIMEOUT_S = 300  # torch, MONAI and MONAI Label imports on a busy 2-core machine
REQUEST_TIMEOUT_S = 300


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The base URL of a running ``monailabel start_server`` on monailabel_app/; stopped afterwards."""
    if importlib.util.find_spec("monailabel") is None:
        pytest.skip("monailabel is not installed in this environment (docs/README.md, 'MONAI Label')")
    images = [DATA / "imagesTr" / f"{case}.nii.gz" for case in CASES]
    if not all(image.is_file() and (DATA / "labelsTr" / image.name).is_file() for image in images):
        pytest.skip(f"the MSD hippocampus volumes {list(CASES)} (imagesTr, labelsTr) are not under {DATA}")
    monailabel = Path(sys.executable).parent / "monailabel"
    assert monailabel.is_file(), f"monailabel imports, but its command is not at {monailabel}"

    work = tmp_path_factory.mktemp("monailabel")
    studies = work / "studies"
    studies.mkdir()
    for image in images:
        shutil.copy(image, studies / image.name)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PATH"] = f"{monailabel.parent}{os.pathsep}{env.get('PATH', '')}"  # its script runs the `python` on PATH
    command = [str(monailabel), "start_server", "--app", str(APP), "--studies", str(studies)]
    command += ["--conf", "models", MODEL, "--host", "127.0.0.1", "--port", str(port)]
    log = work / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log_tail(log)}")
            try:
                if requests.get(f"{url}/info/", timeout=10).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer from {url}/info/ within {STARTUP_TIMEOUT_S} s:\n{log_tail(log)}")
            time.sleep(2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def infer(url: str, phi: object, case: str, upload: bool) -> requests.Response:
    """POST /infer/<model>: the studies' image ``case`` by its id, or that volume's file uploaded."""
    params = {"params": json.dumps({"phi": phi})}
    if not upload:
        return requests.post(
            f"{url}/infer/{MODEL}", params={"image": case, "output": "image"}, data=params, timeout=REQUEST_TIMEOUT_S
        )
    with (DATA / "imagesTr" / f"{case}.nii.gz").open("rb") as volume:
        return requests.post(
            f"{url}/infer/{MODEL}",
            params={"output": "image"},
            data=params,
            files={"file": (f"{case}.nii.gz", volume, "application/octet-stream")},
            timeout=REQUEST_TIMEOUT_S,
        )


def checked_label_map(response: requests.Response, case: str, folder: Path) -> np.ndarray:
    """The label map the server returned for ``case``, checked against the input and its reference label."""
    assert response.status_code == 200, response.text
    path = folder / f"{case}_{time.monotonic_ns()}.nii.gz"
    path.write_bytes(response.content)
    result = nib.load(path)
    image = nib.load(DATA / "imagesTr" / f"{case}.nii.gz")
    assert result.shape == image.shape
    np.testing.assert_allclose(result.affine, image.affine, atol=1e-4)
    assert np.issubdtype(result.get_data_dtype(), np.integer), result.get_data_dtype()
    prediction = np.asarray(result.dataobj)
    assert np.issubdtype(prediction.dtype, np.integer), prediction.dtype
    assert set(np.unique(prediction).tolist()) <= {0, 1, 2}
    truth = np.asarray(nib.load(DATA / "labelsTr" / f"{case}.nii.gz").dataobj)
    dice = [
        2 * np.sum((prediction == c) & (truth == c)) / (np.sum(prediction == c) + np.sum(truth == c)) for c in (1, 2)
    ]
    assert np.mean(dice) > 0.7, dice
    return prediction


def test_info_lists_the_model_its_labels_and_the_phi_choice(server):
    info = requests.get(f"{server}/info/", timeout=30).json()
    assert list(info["models"]) == [MODEL]
    model = info["models"][MODEL]
    assert model["labels"] == {"anterior": 1, "posterior": 2}
    assert model["type"] == "segmentation" and model["dimension"] == 3
    assert model["config"]["phi"] == [0.5, 0.25, 0.1]  # a choice list: MONAI Label's clients take the first
    assert "phi" in model["description"]


@pytest.mark.parametrize("upload", [False, True], ids=["by_image_id", "by_upload"])
def test_segments_a_real_volume_at_two_phis(server, upload, tmp_path):
    case = CASES[upload]
    labels = {phi: checked_label_map(infer(server, phi, case, upload), case, tmp_path) for phi in PHIS}
    assert not np.array_equal(labels[0.25], labels[0.5])  # phi reached the network
    # A string, as a client's text field sends it, is the same request.
    np.testing.assert_array_equal(checked_label_map(infer(server, "0.25", case, upload), case, tmp_path), labels[0.25])


@pytest.mark.parametrize("phi", [1.5, -0.1, "fast", "nan", True])
def test_a_bad_phi_is_an_error_response_not_a_crash(server, phi):
    response = infer(server, phi, CASES[0], upload=False)
    assert response.status_code == 400, (response.status_code, response.text)
    assert "phi must be a number in [0, 1]" in response.json()["detail"]
    assert requests.get(f"{server}/info/", timeout=30).status_code == 200  # still serving
