"""Rebuild the CSV files of ``neuronet.datasets`` from the copies scikit-learn ships (run once, offline).

    python scripts/build_datasets.py

The numbers are copied as the source text (no float round trip); the integer class codes of the
source are replaced by the class names it lists in its first line (digits keep their digit).
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import re
from pathlib import Path

import sklearn.datasets as skd

from neuronet import datasets_builtin

SOURCE = Path(skd.__file__).parent / "data"
OUT = Path(__file__).resolve().parent.parent / "src" / "neuronet" / "datasets"


def snake(name):
    return re.sub(r"_+", "_", re.sub(r"[^0-9a-z]+", "_", name.lower())).strip("_")


def read_source(filename):
    opener = gzip.open if filename.endswith(".gz") else open
    with opener(SOURCE / filename, "rt", newline="") as f:
        return list(csv.reader(f))


def write(filename, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if filename.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    (OUT / filename).write_bytes(data)
    print(f"{filename}: {len(rows)} rows, {len(header)} columns, {len(data):,} bytes")


def labelled(source_file, loader, out_file, target):
    lines = read_source(source_file)
    class_names = lines[0][2:]
    features = [snake(n) for n in loader().feature_names]
    rows = [row[:-1] + [class_names[int(row[-1])]] for row in lines[1:]]
    write(out_file, features + [target], rows)


def main():
    labelled("iris.csv", skd.load_iris, "iris.csv", "species")
    labelled("wine_data.csv", skd.load_wine, "wine.csv", "cultivar")
    labelled("breast_cancer.csv", skd.load_breast_cancer, "breast_cancer.csv.gz", "diagnosis")
    lines = read_source("digits.csv.gz")
    pixels = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]
    write("digits.csv.gz", pixels + ["digit"], [row[:64] + [str(int(float(row[64])))] for row in lines])
    X, y = datasets_builtin.tutorial()
    write("tutorial.csv", ["input_1", "input_2", "input_3", "output"],
          [list(map(str, x)) + [str(t)] for x, t in zip(X, y[:, 0])])
    X, y = datasets_builtin.xor()
    write("xor.csv", ["input_1", "input_2", "output"],
          [list(map(str, x)) + [str(t)] for x, t in zip(X, y)])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    main()
