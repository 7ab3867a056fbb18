import io

import pytest

from bundle.engine.progress import hide_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stderr", "secondary", "hidden"),
    [(_Terminal(), False, False), (_Terminal(), True, True), (io.StringIO(), False, True), (io.StringIO(), True, True)],
    ids=["terminal, rank 0", "terminal, rank 1", "log file, rank 0", "log file, rank 1"],
)
def test_the_progress_bar_shows_on_rank_0_at_a_terminal_only(monkeypatch, stderr, secondary, hidden):
    monkeypatch.setattr("sys.stderr", stderr)
    assert hide_progress(secondary) is hidden
