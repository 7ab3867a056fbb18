"""Speed and memory measurements, always as ratios of runs interleaved in one process."""
