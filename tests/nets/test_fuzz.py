"""Fuzzing the networks' forward pass over shapes, dtypes and phi: a result, or a clear ValueError.

Default run: FUZZ_EXAMPLES (25) cases per test; a bigger run: FUZZ_EXAMPLES=2000 python -m pytest ...
"""

import os

import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bundle.nets import SSHN, PhiUNet

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.uint8, torch.bool]
# Every message a bad call may give; anything else (or another exception type) fails the test.
CLEAR = ("phi must be a number in [0, 1]", "expected input of shape", "input (the network's dtype)", "expected one phi")
CLEAR += ("expected a floating-point input", "this network is conditioned on")

torch.manual_seed(0)
NETWORKS = {
    (dims, kind): (
        SSHN(PhiUNet(dims, 1, 3, features=2, levels=3), hidden=[4, 4])
        if kind == "sshn"
        else PhiUNet(dims, 1, 3, features=2, levels=3)
    ).eval()
    for dims in (2, 3)
    for kind in ("unet", "sshn")
}

phis = st.one_of(
    st.none(),
    st.floats(0, 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.floats(-0.5, 1.5), max_size=3),
    st.integers(-2, 2),
)


@st.composite
def calls(draw: st.DrawFn) -> tuple:
    dims, kind = draw(st.sampled_from(sorted(NETWORKS)))
    ndim = draw(st.sampled_from([dims + 2, dims + 2, dims + 1, dims + 3]))
    shape = [draw(st.integers(1, 2)), draw(st.sampled_from([1, 1, 2]))]
    shape += [draw(st.integers(1, 9 if dims == 2 else 6)) for _ in range(ndim - 2)]
    dtype = draw(st.sampled_from(DTYPES))
    return NETWORKS[(dims, kind)], torch.randn(shape).to(dtype), draw(phis)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls())
def test_forward_gives_a_result_or_a_clear_value_error(call):
    network, x, phi = call
    try:
        with torch.no_grad():
            y = network(x, phi)
    except ValueError as error:
        assert any(text in str(error) for text in CLEAR), str(error)
        event("clear ValueError")
        return
    event("result")
    assert y.shape == (x.shape[0], 3, *x.shape[2:]) and y.dtype == torch.float32
    assert torch.isfinite(y).all()
