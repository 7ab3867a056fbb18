import pytest
import torch
from monai.data import MetaTensor
from monai.transforms import AsDiscreted

from bundle.data.label_map import LabelMapd


@pytest.mark.parametrize("shape", [(3, 36, 50, 35), (3, 17, 1, 5), (2, 128, 128), (5, 7, 3), (1, 4, 4)])
def test_label_map_is_monais_argmax(shape):
    torch.manual_seed(0)
    logits = MetaTensor(torch.randn(shape), affine=torch.diag(torch.tensor([2.0, 1.0, 3.0, 1.0])))
    expected = AsDiscreted("pred", argmax=True)({"pred": logits})["pred"]
    result = LabelMapd("pred")({"pred": logits, "image": logits})["pred"]
    assert result.shape == (1, *shape[1:]) and result.dtype == expected.dtype
    assert torch.equal(result.as_tensor(), expected.as_tensor())
    assert torch.equal(result.affine, logits.affine)  # the geometry travels on to the inversion


def test_a_softmax_first_would_change_no_label_and_a_plain_tensor_becomes_a_metatensor():
    logits = torch.randn(3, 9, 8)
    labels = LabelMapd("pred")({"pred": logits})["pred"]
    assert isinstance(labels, MetaTensor)  # what the inversion after it needs, as after MONAI's AsDiscreted
    assert torch.equal(labels, LabelMapd("pred")({"pred": logits.softmax(0)})["pred"])
