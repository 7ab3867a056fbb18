"""scripts/segment.py runs ONNX exports with ONNX Runtime (issue 20 item 3): the same label maps as the
TorchScript export of the same network; volumes of other sizes through windows of the traced size."""

import importlib.util
import shutil
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from PIL import Image

from bundle.export import export_onnx, export_torchscript
from bundle.segmentation.network import bundle_metadata, load_bundle_network
from tests.data.test_datalist import SHARED

pytest.importorskip("onnxruntime", reason="the onnx test extra is not installed")
pytest.importorskip("onnx", reason="the onnx test extra is not installed")
SCRIPT = Path(__file__).parents[2] / "scripts" / "segment.py"
needs_data = pytest.mark.skipif(
    not (SHARED / "wbc").is_dir() or not (SHARED / "hippocampus").is_dir(),
    reason=f"needs the real WBC and hippocampus images in {SHARED}",
)


def _segment(*args: str, **options: str) -> int:
    spec = importlib.util.spec_from_file_location("script_segment", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not as __main__
    with pytest.raises(SystemExit) as stop:
        module.main(*args, **options)
    return int(stop.value.code)


def _exports(dataset: str, folder: Path, input_size: list[int] | None = None) -> tuple[str, str]:
    network, parser = load_bundle_network(dataset)
    metadata = bundle_metadata(dataset) | {"dataset": dataset}
    for key in ("dataset_name", "spatial_dims", "in_channels", "num_classes", "spatial_size"):
        metadata[key] = parser.get_parsed_content(key)
    shape = [1, metadata["in_channels"], *(input_size or metadata["spatial_size"])]
    onnx = export_onnx(network, 0.25, folder / "net.onnx", shape, metadata)
    return str(onnx), str(export_torchscript(network, 0.25, folder / "net.ts", metadata))


@needs_data
def test_a_wbc_onnx_export_gives_the_torchscript_exports_label_maps(tmp_path):
    onnx, torchscript = _exports("wbc", tmp_path)
    images = tmp_path / "images"
    images.mkdir()
    for path in sorted((SHARED / "wbc" / "dataset1" / "images").iterdir())[:4]:
        shutil.copy(path, images / path.name)
    assert _segment(str(images), str(tmp_path / "onnx"), "wbc", onnx) == 0
    assert _segment(str(images), str(tmp_path / "ts"), "wbc", torchscript) == 0
    names = sorted(path.name for path in (tmp_path / "ts").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "onnx").iterdir()) and len(names) == 4
    for name in names:
        ours, theirs = (np.array(Image.open(tmp_path / kind / name)) for kind in ("onnx", "ts"))
        assert (ours == theirs).mean() > 0.999, name


@needs_data
def test_a_3d_onnx_export_segments_volumes_of_other_sizes_through_windows(tmp_path):
    onnx, _ = _exports("hippocampus", tmp_path, input_size=[24, 32, 24])
    scans = tmp_path / "scans"
    scans.mkdir()
    for path in sorted((SHARED / "hippocampus" / "imagesTr").glob("hippocampus_*.nii.gz"))[:2]:
        shutil.copy(path, scans / path.name)
    assert _segment(str(scans), str(tmp_path / "out"), "hippocampus", onnx) == 0
    for path in sorted(scans.iterdir()):
        label = nib.load(tmp_path / "out" / path.name.replace(".nii.gz", "_seg.nii.gz"))
        assert label.shape == nib.load(path).shape
        assert set(np.unique(np.asarray(label.dataobj)).tolist()) <= {0, 1, 2}


def test_an_onnx_file_that_is_not_one_or_a_gpu_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "scan.nii.gz").write_bytes(b"")
    fake = tmp_path / "fake.onnx"
    fake.write_bytes(b"not a model")
    assert _segment(str(tmp_path / "scan.nii.gz"), str(tmp_path / "out"), "hippocampus", str(fake)) == 2
    assert capsys.readouterr().err.startswith(f"error: {fake} is not an ONNX model")
    code = _segment(str(tmp_path / "scan.nii.gz"), str(tmp_path / "out"), "hippocampus", str(fake), device="cuda")
    # refused by the device check where CUDA is absent, else because ONNX Runtime runs here on the CPU only
    assert code == 2 and "cuda" in capsys.readouterr().err
