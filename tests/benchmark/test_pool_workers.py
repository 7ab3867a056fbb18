"""A killed benchmark takes its pool's workers with it (they went on training its queued runs)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# A parent like run_all: a spawned pool whose worker writes its pid and then sleeps far longer than the test.
PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from bundle.benchmark.workers import exit_with_parent

def work(path):
    with open(path, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(120)

if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, get_context("spawn"), initializer=exit_with_parent, initargs=(os.getpid(), 0.1))
    pool.submit(work, sys.argv[1]).result()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0 if Path("/proc").is_dir() else True


def test_a_pool_worker_ends_when_its_benchmark_is_killed(tmp_path):
    script, pid_file = tmp_path / "parent.py", tmp_path / "worker.pid"
    script.write_text(PARENT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    parent = subprocess.Popen([sys.executable, str(script), str(pid_file)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.is_file() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the worker never started"
            time.sleep(0.1)
        worker = int(pid_file.read_text())
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(worker):
            assert time.monotonic() < deadline, "the worker outlived its killed parent by 10 s"
            time.sleep(0.1)
    finally:
        parent.kill()
