"""Speed and memory measurements as ratios: of runs interleaved in one process (step_time, inference_speed),
or of one fresh process per setting where peak memory is measured (sliding_window)."""
