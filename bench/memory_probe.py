"""Peak memory of one neuronet epoch, measured in a fresh process (run by ``run.py``).

Prints one JSON line: the peak resident set size while ``fit`` ran one epoch (Linux ``VmHWM``, reset
just before the call so that making the data does not count), the resident size just before, and the
bytes of the data and of the model. The peak includes the interpreter, NumPy and the data itself.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import workloads  # noqa: E402  (after the path is set)


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(f"/proc/self/status has no {field}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    with threadpool_limits(limits=args.threads):
        X, y = workloads.mnist_shaped(args.samples)
        net = workloads.neuronet_network()
        before = _status_kib("VmRSS")
        try:
            with open("/proc/self/clear_refs", "w") as refs:  # "5": reset the peak (VmHWM) to now
                refs.write("5")
            since = "fit"
        except OSError:  # the peak then also covers making the data (at most one chunk more)
            since = "start"
        net.fit(X, y, epochs=1, batch_size=workloads.BATCH)
        peak = _status_kib("VmHWM")
    model = net.parameters.nbytes
    print(json.dumps({"peak_rss": peak, "rss_before": before, "data_bytes": X.nbytes + y.nbytes,
                      "model_bytes": model, "peak_since": since}))


if __name__ == "__main__":
    main()
