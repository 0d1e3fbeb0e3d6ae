"""TabularPreprocessor guards: finite means and scales for huge values, and no one-hot encoding of
columns that look like identifiers or numbers written with currency signs."""
import warnings

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets
from neuronet.csvdata import parse_csv_text
from neuronet.columns import MAX_CATEGORIES_FLOOR
from neuronet.preprocessing import TabularPreprocessor


def csv_table(columns, rows, name="data.csv"):
    """A Table parsed from CSV text, so messages carry ``file:line`` and column numbers."""
    lines = [",".join(columns)] + [",".join(f'"{v}"' for v in row) for row in rows]
    return parse_csv_text("\n".join(lines) + "\n", name)


def fit_without_warnings(data, columns=None):
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # an overflow warning fails the test
        return TabularPreprocessor().fit(data, columns)


# --- means and scales ------------------------------------------------------------------------------

def test_huge_values_give_finite_mean_and_scale_equal_to_the_scaled_computation():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-1.0, 1.0, 50) * 1e300, [1.7e308, -1.7e308, 1.5e308]])
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert not np.isfinite(x.std())                 # what the plain computation gives
    p = fit_without_warnings({"big": x, "small": np.arange(53.0)})
    m = np.max(np.abs(x))
    assert np.isfinite(p.mean_).all() and np.isfinite(p.scale_).all()
    np.testing.assert_allclose(p.mean_[0], (x / m).mean() * m, rtol=1e-14)
    np.testing.assert_allclose(p.scale_[0], (x / m).std() * m, rtol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X = p.transform({"big": x, "small": np.arange(53.0)})
    assert np.isfinite(X).all()
    np.testing.assert_allclose(X[:, 0], ((x / m) - (x / m).mean()) / (x / m).std(), rtol=1e-12)


def test_values_near_the_largest_float_have_a_finite_mean():
    x = np.array([1.7e308, 1.6e308, 1.75e308])          # their plain sum overflows
    p = fit_without_warnings({"x": x})
    np.testing.assert_allclose(p.mean_, [np.mean(x / 4) * 4], rtol=1e-15)
    np.testing.assert_allclose(p.mean_, [5.05 / 3 * 1e308], rtol=1e-15)
    assert np.isfinite(p.scale_).all() and p.scale_[0] > 0


def test_standardizing_far_from_a_huge_mean_does_not_overflow():
    x = np.array([1.7e308] * 9 + [-1.7e308])            # x - mean overflows for the last value
    p = fit_without_warnings({"x": x})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = p.transform({"x": x})[:, 0]
    np.testing.assert_allclose(z, [1 / 3] * 9 + [-3.0], rtol=1e-14)    # mean 0.8 m, std 0.6 m


def test_tiny_values_keep_their_spread():
    x = np.array([1.0, 2.0, 3.0, 6.0]) * 1e-200          # their plain squares underflow to 0
    p = fit_without_warnings({"x": x})
    np.testing.assert_allclose(p.scale_, [np.std([1.0, 2.0, 3.0, 6.0]) * 1e-200], rtol=1e-15)
    np.testing.assert_allclose(p.transform({"x": x})[:, 0],
                               (np.array([1, 2, 3, 6]) - 3) / np.std([1, 2, 3, 6]), rtol=1e-14)


@pytest.mark.parametrize("scale, offset", [(1.0, 0.0), (1e-3, 5.0), (1e6, -3e7), (0.3, 1e9)])
def test_ordinary_data_still_gives_numpys_mean_and_std(scale, offset):
    rng = np.random.default_rng(1)
    x = rng.normal(size=1000) * scale + offset
    p = fit_without_warnings({"x": x, "n": np.arange(1000)})
    np.testing.assert_allclose(p.mean_, [np.mean(x), np.mean(np.arange(1000.0))], rtol=1e-15)
    np.testing.assert_allclose(p.scale_, [np.std(x), np.std(np.arange(1000.0))], rtol=1e-15)
    np.testing.assert_allclose(p.transform({"x": x, "n": np.arange(1000)})[:, 0],
                               (x - np.mean(x)) / np.std(x), rtol=1e-13, atol=1e-13)


def test_a_constant_column_keeps_scale_one():
    p = fit_without_warnings({"c": [7.5] * 10, "z": [0.0] * 10})
    np.testing.assert_array_equal(p.mean_, [7.5, 0.0])
    np.testing.assert_array_equal(p.scale_, [1.0, 1.0])


def test_a_model_with_a_huge_column_saves_and_loads(tmp_path):
    rows = [(f"{(i - 20) * 5e298!r}", f"{i % 3}", "yes" if i % 2 else "no") for i in range(40)]
    table = csv_table(["huge", "small", "label"], rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = nn.Model.for_table(table, "label", hidden=(4,), seed=0)
    nn.save(model, tmp_path / "huge.nn")
    loaded = nn.load(tmp_path / "huge.nn")              # refused before: scale held inf/NaN
    assert np.isfinite(loaded.preprocessor.scale_).all()
    assert np.isfinite(loaded.preprocessor.transform(table)).all()


def test_a_value_whose_standardized_form_overflows_is_refused_naming_line_and_column():
    table = csv_table(["x", "y"], [("0.1", "1"), ("0.2", "2"), ("0.3", "3")])
    p = fit_without_warnings(table)                     # x's scale is 0.08: 1.7e308 / 0.08 = inf
    far = csv_table(["x", "y"], [("0.1", "1"), ("1.7e308", "2"), ("0.2", "1e300")], "far.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # no overflow warning on the way
        with pytest.raises(ValueError, match=r"far.csv:3, column 1 \('x'\): 1.7e\+308 is too "
                                             r"large for this model: .*float64 holds"):
            p.transform(far)
    np.testing.assert_array_equal(p.transform(table), p.transform(table, np.float64))


def test_float32_refuses_what_it_cannot_hold_and_stays_float32():
    p = fit_without_warnings({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]})
    X = p.transform({"x": [1.0, 2.0], "c": ["b", "a"]}, np.float32)
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X, p.transform({"x": [1.0, 2.0], "c": ["b", "a"]}).astype(np.float32))
    far = {"x": [1.0, 1e39, -1e40], "c": ["a", "a", "b"]}
    with pytest.raises(ValueError, match=r"row 1, column 'x': 1e\+39 is too large for this model "
                                         r"\(rows 1, 2 hold such values\).*float32 holds.*float64"):
        p.transform(far, np.float32)
    assert np.isfinite(p.transform(far)).all()          # float64 holds them


# --- identifier-like text columns ------------------------------------------------------------------

def test_an_id_column_is_refused_with_file_and_column_named():
    rows = [(f"{i % 3}", f"A-{10000 + i}") for i in range(200)]
    table = csv_table(["size", "customer id"], rows)
    with pytest.raises(ValueError) as error:
        TabularPreprocessor().fit(table, ["size", "customer id"])
    message = str(error.value)
    assert message.startswith("data.csv: column 2 ('customer id') has 200 different values in 200 "
                              "training rows; one-hot encoding would make 200 features")
    assert message.endswith("leave it out of the inputs (neuronet train: --drop 'customer id')")
    assert "\n" not in message


def test_an_id_column_in_dicts_is_named_like_other_messages():
    rows = [{"email": f"user{i}@example.org", "x": i} for i in range(120)]
    with pytest.raises(ValueError, match=r"^column 'email' has 120 different values in 120 training "
                                         r"rows; .* \(neuronet train: --drop email\)$"):
        TabularPreprocessor().fit(rows)


def test_currency_numbers_get_the_plain_numbers_hint():
    rows = [(f"${1000 + 37 * i:,}", "red" if i % 2 else "blue") for i in range(200)]
    rows[0] = ("$1,234", "red")
    table = csv_table(["price", "colour"], rows)
    with pytest.raises(ValueError) as error:
        TabularPreprocessor().fit(table)
    message = str(error.value)
    assert message.startswith("data.csv: column 1 ('price') holds numbers written with currency or "
                              "percent signs, or thousands separators (e.g. '$1,234' at data.csv:2)")
    assert "write them as plain numbers" in message and "--drop" not in message


def test_thousands_separators_without_currency_get_the_hint_too():
    rows = [(f"{46000 + 100 * i:,}" if i < 90 else f"note {i}",) for i in range(100)]  # 90% numbers
    with pytest.raises(ValueError, match=r"^data.csv: column 1 \('amount'\) .* "
                                         r"\(e.g. '46,000' at data.csv:2\); write them as plain"):
        TabularPreprocessor().fit(csv_table(["amount"], rows))


def test_mostly_text_with_some_numbers_is_called_an_identifier():
    rows = [(f"{1000 + i:,}" if i < 170 else f"name {i}",) for i in range(200)]   # 85% numbers
    with pytest.raises(ValueError, match="looks like an identifier or free text"):
        TabularPreprocessor().fit(csv_table(["mixed"], rows))


@pytest.mark.parametrize("n_distinct, n_rows", [(3, 200), (60, 1000), (40, 40),
                                                (MAX_CATEGORIES_FLOOR, MAX_CATEGORIES_FLOOR),
                                                (100, 200)])
def test_real_categorical_columns_are_accepted(n_distinct, n_rows):
    rows = [(f"c{i % n_distinct}", f"{i}") for i in range(n_rows)]
    p = TabularPreprocessor().fit(csv_table(["kind", "x"], rows))
    assert p.categorical_columns_ == ["kind"]
    assert len(p.categories_[0]) == n_distinct
    assert p.transform(csv_table(["kind", "x"], rows)).shape == (n_rows, 1 + n_distinct)


@pytest.mark.parametrize("n_distinct, n_rows", [(MAX_CATEGORIES_FLOOR + 1, MAX_CATEGORIES_FLOOR + 1),
                                                (101, 200)])
def test_just_over_the_limit_is_refused(n_distinct, n_rows):
    rows = [(f"c{i % n_distinct}",) for i in range(n_rows)]
    with pytest.raises(ValueError, match=f"has {n_distinct} different values in {n_rows} training"):
        TabularPreprocessor().fit(csv_table(["kind"], rows))


def test_only_training_values_count_not_the_vocabulary():
    rows = [(f"c{i % 3}",) for i in range(200)]
    vocabulary = csv_table(["kind"], [(f"v{i}",) for i in range(500)])
    p = TabularPreprocessor().fit(csv_table(["kind"], rows), vocabulary=vocabulary)
    assert len(p.categories_[0]) == 503


def test_numeric_columns_with_one_value_per_row_are_fine():
    p = TabularPreprocessor().fit({"id": np.arange(5000), "x": np.linspace(0, 1, 5000)})
    assert p.numeric_columns_ == ["id", "x"] and p.n_features_out_ == 2


def test_counts_are_written_with_thousands_separators():
    rows = [(f"user{i}@example.org",) for i in range(1500)]
    with pytest.raises(ValueError, match=r"has 1,500 different values in 1,500 training rows; one-hot "
                                         r"encoding would make 1,500 features"):
        TabularPreprocessor().fit(csv_table(["email"], rows))


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_built_in_data_sets_are_unaffected(name):
    table = datasets.load(name)
    target = datasets.DATASETS[name]["target"]
    inputs = [c for c in table.columns if c != target]
    p = fit_without_warnings(table, inputs)
    assert p.categorical_columns_ == [] and p.numeric_columns_ == inputs
    assert np.isfinite(p.mean_).all() and np.isfinite(p.scale_).all()


def test_numbers_written_as_text_are_refused_even_with_few_values():
    rows = [(f"${50000 + 1000 * (i % 40):,}", f"{i}") for i in range(60)]     # 40 values in 60 rows
    with pytest.raises(ValueError, match=r"^data.csv: column 1 \('income'\) holds numbers written "
                                         r"with currency or percent signs"):
        TabularPreprocessor().fit(csv_table(["income", "x"], rows))


def test_decimal_commas_are_called_decimal_commas():
    rows = [(f"{80 + i % 7},{i % 100:02d}", f"{i}") for i in range(60)]
    with pytest.raises(ValueError) as error:
        TabularPreprocessor().fit(csv_table(["weight", "x"], rows))
    assert ("column 1 ('weight') holds numbers written with decimal commas (e.g. '80,00' at "
            "data.csv:2); write them with a decimal point (80.93)") in str(error.value)


def test_every_unusable_column_is_named_in_one_message():
    rows = [(f"A-{i}", f"user{i}@example.org", f"${1000 + i:,}", "red") for i in range(200)]
    with pytest.raises(ValueError) as error:
        TabularPreprocessor().fit(csv_table(["id", "email", "income", "colour"], rows))
    message = str(error.value)
    assert message.startswith("data.csv: 3 columns cannot be learned from as they are: column 1 "
                              "('id') has 200 different values")
    assert "column 3 ('income') holds numbers written with currency" in message
    assert message.endswith("leave them out of the inputs (neuronet train: --drop id,email)")
