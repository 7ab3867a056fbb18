"""Whether a run shows ignite's iteration progress bar: on a terminal only, and on rank 0 only.

Written to a log file (a redirected run, a batch job), the bar's carriage-return updates pile up as
kilobytes of fragments per epoch; the epoch lines of ``StatsHandler`` say the same once.
"""

import sys


def hide_progress(secondary_rank: bool = False) -> bool:
    """The progress bar's ``_disabled_``: True on a rank above 0 (``secondary_rank``) or where stderr, which the
    bar writes to, is not a terminal."""
    return secondary_rank or not sys.stderr.isatty()
