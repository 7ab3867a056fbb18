import nibabel as nib
import numpy as np
import pytest
import torch
from monai.data import Dataset

from bundle.data.datalist import image_files, msd_datalist, wbc_datalist
from bundle.data.datasets import get_dataset
from bundle.data.transforms import inference_postprocessing, preprocessing, wbc_labels
from tests.data.test_datalist import OASIS_SLICE_AFFINE, make_neurite_oasis, make_wbc


def make_msd(root, shapes=((13, 17, 11), (12, 15, 9))):
    (root / "imagesTr").mkdir(parents=True)
    (root / "labelsTr").mkdir()
    affine = np.diag([1.0, 1.0, 1.0, 1.0])
    for i, shape in enumerate(shapes):
        image = np.random.default_rng(i).uniform(0, 200, shape).astype(np.float32)
        label = np.zeros(shape, np.uint8)
        label[3:7, 4:9, 2:6] = 1
        label[7:10, 4:9, 2:6] = 2
        nib.save(nib.Nifti1Image(image, affine), root / "imagesTr" / f"case_{i}.nii.gz")
        nib.save(nib.Nifti1Image(label, affine), root / "labelsTr" / f"case_{i}.nii.gz")
    return root


def test_wbc_mask_values_map_to_labels_with_strays_to_the_nearest():
    mask = torch.tensor([0, 128, 255, 7, 37, 100, 200])
    assert wbc_labels(mask).tolist() == [0, 1, 2, 0, 0, 1, 2]


@pytest.mark.parametrize("stage", ["train", "eval"])
def test_wbc_chain_gives_rgb_in_unit_range_and_three_labels(tmp_path, stage):
    sample = Dataset(wbc_datalist(make_wbc(tmp_path)), preprocessing("wbc", stage, (32, 32)))[0]
    assert sample["image"].shape == (3, 32, 32) and sample["label"].shape == (1, 32, 32)
    assert sample["image"].min() >= 0 and sample["image"].max() <= 1
    assert set(torch.unique(sample["label"]).tolist()) == {0, 1, 2}


def test_msd_training_crops_to_one_size_and_evaluation_keeps_each_size(tmp_path):
    items = msd_datalist(make_msd(tmp_path))
    train = Dataset(items, preprocessing("hippocampus", "train", (16, 16, 16)))
    evaluate = Dataset(items, preprocessing("msd", "eval", (16, 16, 16)))
    assert {tuple(train[i]["image"].shape) for i in range(2)} == {(1, 16, 16, 16)}
    assert [tuple(evaluate[i]["image"].shape) for i in range(2)] == [(1, 13, 17, 11), (1, 12, 15, 9)]
    assert abs(evaluate[0]["image"].mean().item()) < 1e-4  # z-score normalized


def test_inference_writes_label_maps_in_the_input_geometry(tmp_path):
    make_msd(tmp_path / "in")
    pre = preprocessing("hippocampus", "infer", (16, 16, 16))
    post = inference_postprocessing("hippocampus", pre, str(tmp_path / "out"))
    source = tmp_path / "in" / "imagesTr" / "case_0.nii.gz"
    sample = pre(image_files(source)[0])
    sample["pred"] = torch.randn(3, *sample["image"].shape[1:])
    post(sample)
    written = nib.load(tmp_path / "out" / "case_0_seg.nii.gz")
    assert written.shape == nib.load(source).shape
    np.testing.assert_allclose(written.affine, nib.load(source).affine)
    assert set(np.unique(written.get_fdata())) <= {0, 1, 2}


def test_monai_label_image_path_survives_resampling_and_the_inverse(tmp_path):
    volume = np.random.default_rng(0).random((9, 11, 7), np.float32)
    nib.save(nib.Nifti1Image(volume, np.diag([1.5, 0.8, 2.0, 1.0])), tmp_path / "scan.nii.gz")
    pre = preprocessing("hippocampus", "infer", (16, 16, 16))
    sample = pre({"image": str(tmp_path / "scan.nii.gz"), "image_path": str(tmp_path / "scan.nii.gz")})
    assert sample["image_path"] == str(tmp_path / "scan.nii.gz")  # MONAI Label's writer reads it
    assert sample["image"].shape[1:] == (13, 9, 13)  # resampled to 1 mm
    sample["pred"] = torch.randn(3, *sample["image"].shape[1:])
    inference_postprocessing("hippocampus", pre, str(tmp_path / "out"))(sample)
    assert nib.load(tmp_path / "out" / "scan_seg.nii.gz").shape == volume.shape


@pytest.mark.parametrize("stage", ["train", "eval"])
def test_oasis_slices_lose_their_axis_of_one_and_keep_their_unit_range_intensities(tmp_path, stage):
    items = get_dataset("oasis2d").datalist(make_neurite_oasis(tmp_path))
    sample = Dataset(items, preprocessing("oasis2d", stage, (160, 192), in_channels=1, num_classes=25))[0]
    assert sample["image"].shape == (1, 160, 192) and sample["label"].shape == (1, 160, 192)
    stored = np.asarray(nib.load(items[0]["image"]).dataobj)[..., 0]
    if stage == "eval":  # no z-scoring: the release's intensities are already in [0, 1]
        np.testing.assert_array_equal(sample["image"][0].numpy(), stored)
    assert torch.unique(sample["label"]).tolist() == list(range(25))


def test_a_smaller_oasis_size_crops_every_stage_around_the_centre(tmp_path):
    items = get_dataset("oasis2d").datalist(make_neurite_oasis(tmp_path))
    sample = Dataset(items, preprocessing("oasis2d", "eval", (96, 128)))[0]
    stored = np.asarray(nib.load(items[0]["label"]).dataobj)[..., 0]
    np.testing.assert_array_equal(sample["label"][0].numpy(), stored[32:128, 32:160])


def test_an_oasis_slice_label_map_is_written_in_the_slice_geometry(tmp_path):
    """MONAI's writer could not write it (a coronal slice's in-plane affine is singular): the bundle's can."""
    source = make_neurite_oasis(tmp_path / "in", count=1) / "OASIS_OAS1_0001_MR1" / "slice_seg24.nii.gz"
    label = np.asarray(nib.load(source).dataobj).copy()
    label[:16] = 7  # outside the centre crop below
    nib.save(nib.Nifti1Image(label, OASIS_SLICE_AFFINE), source)
    pre = preprocessing("oasis2d", "infer", (128, 160))
    sample = pre(image_files(source)[0])
    # logits that pick the stored label everywhere: the written map must be that label, uncropped back
    sample["pred"] = torch.nn.functional.one_hot(sample["image"][0].long(), 25).permute(2, 0, 1).float()
    inference_postprocessing("oasis2d", pre, str(tmp_path / "out"))(sample)
    written = nib.load(tmp_path / "out" / "slice_seg24_seg.nii.gz")
    stored = np.asarray(nib.load(source).dataobj)[..., 0]
    assert written.shape == (160, 192)
    np.testing.assert_allclose(written.affine, OASIS_SLICE_AFFINE)
    np.testing.assert_array_equal(np.asarray(written.dataobj)[16:144, 16:176], stored[16:144, 16:176])
    assert not np.asarray(written.dataobj)[:16].any()  # cropped away, padded back as background


def test_unknown_dataset_or_stage_is_a_value_error():
    with pytest.raises(ValueError, match="dataset must be one of"):
        preprocessing("camus", "train", (8, 8))
    with pytest.raises(ValueError, match="stage must be one of"):
        preprocessing("wbc", "test", (8, 8))
