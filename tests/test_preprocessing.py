"""TabularPreprocessor and the CSV reader: fitted attributes, transform layout, precise errors."""
import numpy as np
import pytest

from neuronet.csvdata import CSVError, parse_csv_text, read_csv
from neuronet.preprocessing import TabularPreprocessor, stratified_split

TEXT = "size,colour,weight,label\n1,red,10,a\n2,blue,10,b\n3,red,10,a\n6,green,10,b\n"


def table(text=TEXT, name="t.csv"):
    return parse_csv_text(text, name)


def test_fitted_attributes_and_transform_layout():
    p = TabularPreprocessor().fit(table(), ["size", "colour", "weight"])
    assert p.columns_ == ["size", "colour", "weight"]
    assert p.numeric_columns_ == ["size", "weight"]
    assert p.categorical_columns_ == ["colour"]
    assert p.categories_ == [["blue", "green", "red"]]
    np.testing.assert_allclose(p.mean_, [3.0, 10.0])
    np.testing.assert_allclose(p.scale_, [np.std([1, 2, 3, 6]), 1.0])   # constant column: scale 1
    assert p.mean_.dtype == np.float64 and p.scale_.dtype == np.float64
    X = p.transform(table())
    assert X.shape == (4, 5) and X.dtype == np.float64 and p.n_features_out_ == 5
    np.testing.assert_allclose(X[:, 0], (np.array([1, 2, 3, 6]) - 3) / np.std([1, 2, 3, 6]))
    np.testing.assert_array_equal(X[:, 1], 0.0)
    np.testing.assert_array_equal(X[:, 2:], [[0, 0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert p.feature_names_out() == ["size", "weight", "colour=blue", "colour=green", "colour=red"]


def test_dicts_and_arrays_give_the_same_numbers():
    p = TabularPreprocessor().fit(table(), ["size", "colour", "weight"])
    dicts = [{"size": 2, "colour": "green", "weight": 10.0}, {"size": "6", "colour": "red", "weight": 9}]
    array = [[2, "green", 10.0], ["6", "red", 9]]
    np.testing.assert_array_equal(p.transform(dicts), p.transform(array))
    np.testing.assert_array_equal(p.transform(dicts)[0], p.transform(table())[3] * [0, 1, 1, 1, 1]
                                  + [(2 - 3) / np.std([1, 2, 3, 6]), 0, 0, 0, 0])


def test_unseen_category_names_column_value_and_row():
    p = TabularPreprocessor().fit(table(), ["size", "colour"])
    bad = table("size,colour\n1,red\n2,purple\n", "new.csv")
    with pytest.raises(ValueError, match=r"new.csv:3, column 2 \('colour'\): category 'purple'"):
        p.transform(bad)
    with pytest.raises(ValueError, match="row 0, column 'colour': category 'pink'"):
        p.transform([{"size": 1, "colour": "pink"}])


def test_text_in_a_numeric_column_is_located():
    with pytest.raises(ValueError, match=r"t.csv:4, column 1 \('size'\): 'big' is not a finite number"):
        TabularPreprocessor().fit(table(TEXT.replace("3,red", "big,red")), ["size"])
    p = TabularPreprocessor().fit(table(), ["size"])
    with pytest.raises(ValueError, match=r"x.csv:2, column 1 \('size'\): 'inf' is not a finite"):
        p.transform(table("size\ninf\n", "x.csv"))


def test_missing_values_name_the_lines():
    text = "a,b\n1,2\n,3\n4,NA\n5,?\n"
    with pytest.raises(ValueError, match=r"missing values in column 1 \('a'\) at line 3;"):
        TabularPreprocessor().fit(table(text), ["a"])
    with pytest.raises(ValueError, match=r"missing values in column 2 \('b'\) at lines 4, 5 "
                                         r"\(2 of 4 rows\); fill them in, remove those rows, or "
                                         r"leave the column out with exclude=\['b'\]"):
        TabularPreprocessor().fit(table(text), ["b"])


def test_every_column_with_missing_values_is_named_in_one_message():
    text = "a,b,c\n1,2,x\n,3,y\n4,NA,z\n5,?,x\n"
    with pytest.raises(ValueError, match=r"missing values in 2 columns: column 1 \('a'\) at line 3; "
                                         r"column 2 \('b'\) at lines 4, 5 \(2 of 4 rows\); .*"
                                         r"exclude=\['a', 'b'\]"):
        TabularPreprocessor().fit(table(text), ["a", "b", "c"])


def test_missing_columns_at_transform():
    p = TabularPreprocessor().fit(table(), ["size", "colour"])
    with pytest.raises(ValueError, match="do not match.*needs colour"):
        p.transform(table("size,label\n1,a\n"))
    with pytest.raises(ValueError, match="rows have 3 columns but 2 are expected"):
        p.transform([[1, "red", 3]])


def test_unfitted_transform_is_refused():
    with pytest.raises(ValueError, match="not fitted"):
        TabularPreprocessor().transform([[1]])


def test_stratified_split_keeps_proportions_and_is_seeded():
    labels = np.array([0] * 50 + [1] * 30 + [2] * 1)
    keep, held = stratified_split(len(labels), 0.2, 0, labels)
    assert np.bincount(labels[held], minlength=3).tolist() == [10, 6, 0]
    assert sorted(np.concatenate([keep, held]).tolist()) == list(range(81))
    again = stratified_split(len(labels), 0.2, 0, labels)
    np.testing.assert_array_equal(held, again[1])
    assert not np.array_equal(held, stratified_split(len(labels), 0.2, 1, labels)[1])
    keep, held = stratified_split(10, 0.3, 0)
    assert len(held) == 3 and len(keep) == 7


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty"),
    ("\n\n", "the file is empty"),
    ("a,b\n", r"has a header \(a, b\) but no data rows"),
    ("a,b\n1,2\n3\n", r":3: this row has 1 field but the header has 2 columns"),
    ("a,b\n1,2\n3,4,5\n", r":3: this row has 3 fields"),
    ("a,,c\n1,2,3\n", r":1: column 2 of the header has no name"),
    ("a,a\n1,2\n", r":1: column 2 repeats the column name 'a'"),
    ('a,b\n1,"2\n', r"malformed CSV"),
])
def test_csv_reader_errors(tmp_path, content, message):
    path = tmp_path / "d.csv"
    path.write_text(content)
    with pytest.raises(CSVError, match=message) as info:
        read_csv(path)
    assert str(path) in str(info.value)


def test_csv_reader_handles_quotes_blank_lines_and_gzip(tmp_path):
    import gzip
    text = 'name,note\n"Smith, J","said ""hi""\nthen left"\n\nLee,ok\n'
    path = tmp_path / "q.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    t = read_csv(path)
    assert t.rows == [["Smith, J", 'said "hi"\nthen left'], ["Lee", "ok"]]
    assert t.lines == [2, 5]          # the second row starts on line 5 (a quoted newline, a blank)


def test_csv_reader_refuses_missing_files_folders_and_binary(tmp_path):
    with pytest.raises(CSVError, match="no such file"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(CSVError, match="is a folder"):
        read_csv(tmp_path)
    (tmp_path / "b.csv").write_bytes(b"a,b\n\xff\xfe,1\n")
    with pytest.raises(CSVError, match=r"b.csv:2: the file is not UTF-8"):
        read_csv(tmp_path / "b.csv")


@pytest.mark.parametrize("cell, advice", [
    ("3,243", r"'3,243' is a number written with a currency or percent sign, or thousands "
              r"separators; write it as a plain number \(1234.5\); the column is numeric"),
    ("4,5", r"'4,5' is a number written with a decimal comma; write it with a decimal point"),
    ("1.234,56", r"'1.234,56' is a number written with a decimal comma"),
    ("1 234,5", r"'1 234,5' is a number written with a decimal comma"),
    ("1.234.567,8", r"'1.234.567,8' is a number written with a decimal comma"),
    ("big", r"'big' is not a finite number, but the column is numeric"),
])
def test_a_number_in_disguise_at_transform_is_explained_as_train_explains_it(cell, advice):
    p = TabularPreprocessor().fit(table("size\n1\n2\n3\n", "t.csv"), ["size"])
    with pytest.raises(ValueError, match=rf"x.csv:3, column 1 \('size'\): {advice}"):
        p.transform(table(f'size\n1\n"{cell}"\n', "x.csv"))


@pytest.mark.parametrize("text, message", [
    ("a\x1b[2J,y\n1,p\n2,q\n", r"the column name 'a\\x1b\[2J' holds a control character \(U\+001B\); "
                               r"a model file cannot hold it: rename the column"),
    ("a,y\nred\x07,p\nblue,q\n", r"column 1 \('a'\): the category 'red\\x07' holds a control "
                                 r"character"),
])
def test_names_a_model_file_cannot_hold_are_refused_before_training(text, message):
    data = table(text, "c.csv")
    with pytest.raises(ValueError, match=message):
        TabularPreprocessor().fit(data, [data.columns[0]])
