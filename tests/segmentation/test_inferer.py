import pytest
import torch
from monai.inferers import SimpleInferer

from bundle.benchmark.sliding_window import synthetic_volume
from bundle.nets import PhiUNet
from bundle.segmentation.inferer import make_inferer


def _network_and_volume() -> tuple:
    torch.manual_seed(0)
    network = PhiUNet(3, 1, 3, features=4, levels=3, phi=0.5).eval()
    return network, synthetic_volume([1, 1, 21, 18, 15])


def test_no_roi_is_whole_volume_inference_and_a_covering_roi_gives_the_same_logits():
    network, volume = _network_and_volume()
    assert isinstance(make_inferer(), SimpleInferer)
    with torch.no_grad():
        whole = network(volume)
        for roi in ([21, 18, 15], [64, 64, 64]):  # exactly the volume, and larger: clipped to it, not padded
            torch.testing.assert_close(make_inferer(roi, 0.25, 3)(volume, network), whole, rtol=0, atol=1e-6)


def test_smaller_windows_keep_the_shape_and_agree_with_whole_volume_labels_on_most_voxels():
    network, volume = _network_and_volume()
    with torch.no_grad():
        whole = network(volume).argmax(dim=1)
        windowed = make_inferer([12, 12, 12], 0.5, 3)(volume, network)
    assert windowed.shape == (1, 3, 21, 18, 15)
    assert (windowed.argmax(dim=1) == whole).float().mean() > 0.8


@pytest.mark.parametrize(
    ("roi", "overlap", "message"),
    [
        ([64, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, 0, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, -1, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        (64, 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, 64.5, 64], 0.25, "roi_size must be a list of 3 positive integers"),
        ([64, 64, 64], 1.0, "overlap must be a number in"),
    ],
)
def test_a_bad_window_is_one_clear_error(roi, overlap, message):
    with pytest.raises(ValueError, match=message):
        make_inferer(roi, overlap, 3)
