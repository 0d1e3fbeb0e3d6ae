"""The built-in data sets: names, files, shapes, targets, and agreement with scikit-learn's copies."""
import numpy as np
import pytest

from neuronet import datasets
from neuronet.csvdata import read_csv

EXPECTED = {  # name: (rows, columns, target, classes)
    "tutorial": (4, 4, "output", ["0", "1"]),
    "xor": (4, 3, "output", ["0", "1"]),
    "iris": (150, 5, "species", ["setosa", "versicolor", "virginica"]),
    "wine": (178, 14, "cultivar", ["class_0", "class_1", "class_2"]),
    "breast_cancer": (569, 31, "diagnosis", ["benign", "malignant"]),
    "digits": (1797, 65, "digit", [str(d) for d in range(10)]),
}


def test_names_are_the_six_data_sets():
    assert datasets.names() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_data_set_loads_with_its_target(name):
    rows, columns, target, classes = EXPECTED[name]
    table = datasets.load(name)
    assert (table.n_rows, len(table.columns)) == (rows, columns)
    assert table.columns[-1] == target
    assert sorted(set(table.column(target))) == classes
    info = datasets.describe(name)
    assert info["rows"] == rows and info["target"] == target and info["license"]
    assert datasets.path(name).exists()


def test_aliases_and_unknown_names():
    assert datasets.path("breast-cancer") == datasets.path("breast_cancer")
    with pytest.raises(ValueError, match="unknown data set 'mnist'.*digits"):
        datasets.path("mnist")


def test_resolve_prefers_an_existing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert datasets.resolve("iris") == (str(datasets.path("iris")), "species")
    (tmp_path / "iris").write_text("a,b\n1,2\n")
    assert datasets.resolve("iris") == ("iris", None)
    assert datasets.resolve("missing.csv") == ("missing.csv", None)


def test_licences_are_documented():
    text = (datasets.path("iris").parent / "README.md").read_text()
    for needle in ("CC BY 4.0", "BSD 3-Clause", "Fisher", "Alpaydin", "Wolberg", "Forina"):
        assert needle in text


@pytest.mark.parametrize("name, loader", [("iris", "load_iris"), ("wine", "load_wine"),
                                          ("breast_cancer", "load_breast_cancer"),
                                          ("digits", "load_digits")])
def test_values_equal_scikit_learns_copy(name, loader):
    skd = pytest.importorskip("sklearn.datasets")
    bunch = getattr(skd, loader)()
    table = read_csv(datasets.path(name))
    target = EXPECTED[name][2]
    X = np.array([[float(v) for v in row[:-1]] for row in table.rows])
    np.testing.assert_array_equal(X, bunch.data)
    labels = np.array(table.column(target))
    if name == "digits":
        np.testing.assert_array_equal(labels.astype(int), bunch.target)
    else:
        np.testing.assert_array_equal(labels, np.asarray(bunch.target_names)[bunch.target])
