"""The benchmark's pool workers end with the benchmark process that started them."""

import os
import threading
import time


def exit_with_parent(parent: int, poll_s: float = 1.0) -> None:
    """A pool worker's initializer: the worker ends once the process ``parent`` that started it is gone.

    A killed benchmark (SIGTERM, SIGKILL) leaves its pool's workers alive, and they go on training the runs
    queued for them; a restarted benchmark would then train the same runs beside them, into the same folders.
    Ended here, a worker's unfinished run resumes from its ``last.pt`` when the benchmark is started again.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)  # the parent is gone: no one reads this worker's result

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
