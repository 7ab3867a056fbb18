import pytest

from bundle.nets.phi_prior import PhiPrior


def test_draws_are_a_pure_function_of_seed_and_iteration():
    a, b = PhiPrior(0.0, 0.5, seed=3), PhiPrior(0.0, 0.5, seed=3)
    assert [a.sample(i) for i in range(20)] == [b.sample(i) for i in reversed(range(20))][::-1]
    assert [a.sample(i) for i in range(5)] != [PhiPrior(0.0, 0.5, seed=4).sample(i) for i in range(5)]


@pytest.mark.parametrize(("low", "high"), [(0.0, 0.5), (0.45, 0.55), (0.25, 0.25)])
def test_draws_stay_inside_the_prior(low, high):
    draws = [PhiPrior(low, high).sample(i) for i in range(500)]
    assert all(low <= d <= high for d in draws)
    if low < high:
        assert max(draws) - min(draws) > 0.8 * (high - low)


def test_per_level_prior_draws_one_independent_phi_per_resize():
    draws = [PhiPrior(0.0, 1.0, num=4).sample(i) for i in range(50)]
    assert all(len(d) == 4 for d in draws)
    assert any(len(set(d)) == 4 for d in draws)


@pytest.mark.parametrize(("low", "high", "num"), [(-0.1, 0.5, 1), (0.6, 0.5, 1), (0.0, 1.1, 1), (0.0, 0.5, 0)])
def test_invalid_priors_are_clear_errors(low, high, num):
    with pytest.raises(ValueError, match=r"phi prior needs|num must be"):
        PhiPrior(low, high, num)
