"""Data sets shipped inside the package, usable anywhere a CSV file goes (``neuronet train digits``).

Each is a small CSV file (gzip-compressed when large) with a header row and a named target column.
Attribution and licences: ``README.md`` in this folder.

>>> from neuronet import datasets
>>> datasets.names()
['breast_cancer', 'digits', 'iris', 'tutorial', 'wine', 'xor']
>>> datasets.load("iris").n_rows
150
"""
from __future__ import annotations

import os
from pathlib import Path

from ..csvdata import read_csv

__all__ = ["names", "path", "describe", "load", "resolve"]

_HERE = Path(__file__).resolve().parent

#: name -> file, target column, one-line description, source and licence.
DATASETS = {
    "tutorial": {"file": "tutorial.csv", "target": "output",
                 "description": "the tutorial's truth table: the output is the first input",
                 "source": "the single-neuron tutorial", "license": "MIT (part of neuronet)"},
    "xor": {"file": "xor.csv", "target": "output",
            "description": "exclusive or of two inputs: one neuron cannot learn it, a hidden layer can",
            "source": "truth table", "license": "MIT (part of neuronet)"},
    "iris": {"file": "iris.csv", "target": "species",
             "description": "150 iris flowers, 4 measurements, 3 species (Fisher, 1936)",
             "source": "R.A. Fisher via the UCI ML Repository, as shipped by scikit-learn",
             "license": "CC BY 4.0 (UCI); copy from scikit-learn, BSD-3-Clause"},
    "wine": {"file": "wine.csv", "target": "cultivar",
             "description": "178 wines, 13 chemical measurements, 3 cultivars",
             "source": "Forina et al., UCI ML Repository, as shipped by scikit-learn",
             "license": "CC BY 4.0 (UCI); copy from scikit-learn, BSD-3-Clause"},
    "breast_cancer": {"file": "breast_cancer.csv.gz", "target": "diagnosis",
                      "description": "569 breast masses, 30 cell-nucleus features, malignant/benign",
                      "source": "Wolberg, Street, Mangasarian: Breast Cancer Wisconsin (Diagnostic), "
                                "UCI ML Repository, as shipped by scikit-learn",
                      "license": "CC BY 4.0 (UCI); copy from scikit-learn, BSD-3-Clause"},
    "digits": {"file": "digits.csv.gz", "target": "digit",
               "description": "1797 hand-written digits as 8x8 images of 0-16 grey levels, 10 classes",
               "source": "E. Alpaydin, C. Kaynak: Optical Recognition of Handwritten Digits, UCI ML "
                         "Repository, as shipped by scikit-learn",
               "license": "CC BY 4.0 (UCI); copy from scikit-learn, BSD-3-Clause"},
}
#: Other spellings accepted on the command line.
ALIASES = {"breast-cancer": "breast_cancer", "cancer": "breast_cancer", "digits8x8": "digits"}


def names():
    """The names of the built-in data sets, sorted."""
    return sorted(DATASETS)


def _key(name):
    key = ALIASES.get(name, name)
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; built in: {', '.join(names())}")
    return key


def path(name):
    """The file of built-in data set ``name`` (a ``pathlib.Path``)."""
    return _HERE / DATASETS[_key(name)]["file"]


def describe(name):
    """A dict: name, file, target, description, source, license, rows, columns."""
    key = _key(name)
    info = {"name": key, **DATASETS[key]}
    table = load(key)
    info["file"] = str(path(key))
    info["rows"] = table.n_rows
    info["columns"] = len(table.columns)
    return info


def load(name):
    """Built-in data set ``name`` as a :class:`~neuronet.csvdata.Table` (values as text)."""
    return read_csv(path(name))


def resolve(name_or_path):
    """``(file path, default target or None)`` for a CSV path or a built-in data set name.

    An existing file wins over a data set of the same name; a name that is neither is returned as a
    path (so that reading it reports "no such file").
    """
    text = os.fspath(name_or_path)
    if os.path.exists(text):
        return text, None
    key = ALIASES.get(text, text)
    if key in DATASETS:
        return str(path(key)), DATASETS[key]["target"]
    return text, None
