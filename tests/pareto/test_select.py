import pytest

from bundle.pareto.select import pareto_frontier, select_phi

ROWS = [
    {"phi": 0.0, "mean_dice": 0.70, "gflops": 1.0, "latency_ms": 10.0},
    {"phi": 0.1, "mean_dice": 0.88, "gflops": 1.1, "latency_ms": 11.0},
    {"phi": 0.2, "mean_dice": 0.86, "gflops": 1.2, "latency_ms": 12.5},  # dominated by phi 0.1
    {"phi": 0.3, "mean_dice": 0.90, "gflops": 1.4, "latency_ms": 13.0},
    {"phi": 0.5, "mean_dice": 0.895, "gflops": 2.0, "latency_ms": 20.0},  # dominated by phi 0.3
]


def test_frontier_keeps_only_undominated_rows():
    assert [row["phi"] for row in pareto_frontier(ROWS)] == [0.0, 0.1, 0.3]


@pytest.mark.parametrize(
    ("kwargs", "phi"),
    [
        ({}, 0.3),
        ({"max_gflops": 1.25}, 0.1),
        ({"max_gflops": 5.0}, 0.3),
        ({"max_latency_ms": 12.9}, 0.1),
        ({"max_latency_ms": 10.0}, 0.0),
        ({"max_dice_drop": 0.01}, 0.3),
        ({"max_dice_drop": 0.02}, 0.1),
        ({"max_dice_drop": 1.0}, 0.0),
    ],
)
def test_selection_in_each_mode(kwargs, phi):
    assert select_phi(ROWS, **kwargs)["phi"] == phi


@pytest.mark.parametrize(("kwargs", "message"), [({"max_gflops": 0.5}, "max_gflops"), ({"max_latency_ms": 1}, "max_l")])
def test_impossible_budgets_are_refused_naming_the_cheapest(kwargs, message):
    with pytest.raises(ValueError, match=rf"no phi meets {message}.*cheapest, phi=0, needs"):
        select_phi(ROWS, **kwargs)


def test_two_constraints_or_no_rows_are_refused():
    with pytest.raises(ValueError, match="at most one"):
        select_phi(ROWS, max_gflops=1, max_dice_drop=0.01)
    with pytest.raises(ValueError, match="no rows"):
        select_phi([])
