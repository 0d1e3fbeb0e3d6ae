"""CSV files as spreadsheets write them: Excel's `sep=` line, `,,,` rows, other separators, stdin."""
import io
import sys

import pytest

from neuronet.csvdata import CSVError, parse_csv_text, read_csv


def write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def test_sep_line_sets_the_delimiter_and_keeps_true_line_numbers(tmp_path):
    path = write(tmp_path, "sep=;\na;b;y\n1,5;2;x\n3;4;y\n")
    t = read_csv(path)
    assert t.columns == ["a", "b", "y"]
    assert t.rows == [["1,5", "2", "x"], ["3", "4", "y"]]      # the comma is not a separator here
    assert t.lines == [3, 4]
    path = write(tmp_path, "sep=;\na;b;y\n1;2;x\n\n3;4\n")
    with pytest.raises(CSVError, match=r"d\.csv:5: this row has 2 fields but the header has 3 columns$"):
        read_csv(path)


@pytest.mark.parametrize("line, sep", [("sep=,", ","), ("SEP = |  ", "|"), ("  Sep=\t", "\t")])
def test_sep_line_variants(tmp_path, line, sep):
    path = write(tmp_path, f"\n{line}\r\na{sep}b\r\n1{sep}2\r\n")
    t = read_csv(path)
    assert (t.columns, t.rows, t.lines) == (["a", "b"], [["1", "2"]], [4])


def test_sep_line_must_be_the_whole_first_line(tmp_path):
    t = read_csv(write(tmp_path, "sep=;x\n1\n"))
    assert t.columns == ["sep=;x"]
    with pytest.raises(CSVError, match=r"d\.csv:1: .*quote character"):
        read_csv(write(tmp_path, 'sep="\na,b\n1,2\n'))


def test_rows_of_empty_fields_are_skipped_but_partly_empty_rows_kept(tmp_path):
    path = write(tmp_path, "a,b,c\n1,2,3\n,,\n , ,\n4,,6\n,,\n,,\n")
    t = read_csv(path)
    assert t.rows == [["1", "2", "3"], ["4", "", "6"]]
    assert t.lines == [2, 5]


def test_only_empty_rows_means_no_data(tmp_path):
    with pytest.raises(CSVError, match=r"d\.csv: the file has a header \(a, b\) but no data rows"):
        read_csv(write(tmp_path, "a,b\n,\n,\n"))


@pytest.mark.parametrize("text, sep, advice", [
    ("a;b\n1;2\n1,5;2\n", ";", "`sep=;`"),
    ("a\tb\n1\t2\n3,4\t5\n", "\t", "`sep=` followed by a tab"),
    ("a|b\n1,2|3\n", "|", "`sep=|`"),
])
def test_ragged_row_hints_at_the_separator(tmp_path, text, sep, advice):
    with pytest.raises(CSVError) as info:
        read_csv(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'd.csv'}:")
    assert "but the header has 1 column (" in message
    assert f"separated by {sep!r}" in message
    assert f"a first line {advice} makes it read {sep!r}" in message


def test_ragged_row_without_a_separator_look_has_no_hint(tmp_path):
    with pytest.raises(CSVError) as info:
        read_csv(write(tmp_path, "a\n1\n2,3\n"))
    assert str(info.value).endswith(":3: this row has 2 fields but the header has 1 column")


def test_missing_column_hint_mentions_the_sep_line(tmp_path):
    t = read_csv(write(tmp_path, "a;b;y\n1;2;x\n"))
    with pytest.raises(CSVError, match=r"separated by ';'.*a first line `sep=;` makes it read ';'"):
        t.index("y")


@pytest.fixture
def stdin(monkeypatch):
    def feed(data):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="latin-1"))
    return feed


def test_dash_reads_standard_input(stdin, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "x,y\n9,9\n", name="-")          # a file named "-" is not what "-" means
    stdin("\ufeffsep=;\na;y\n1;é\n".encode())
    t = read_csv("-")
    assert (t.source, t.columns, t.rows, t.lines) == ("<stdin>", ["a", "y"], [["1", "é"]], [3])
    assert read_csv("./-").columns == ["x", "y"]


@pytest.mark.parametrize("data, message", [
    (b"a,b\n1,2\n3\n", r"^<stdin>:3: this row has 1 field but the header has 2 columns$"),
    (b"a,b\n1,\xff\n", r"^<stdin>:2: .*not UTF-8"),
    (b"", r"^<stdin>: the input is empty$"),
    (b" \n\n", r"^<stdin>: the input is empty$"),
    (b"a,b\n", r"^<stdin>: the file has a header \(a, b\) but no data rows$"),
])
def test_standard_input_errors_name_stdin(stdin, data, message):
    stdin(data)
    with pytest.raises(CSVError, match=message):
        read_csv("-")


def test_standard_input_size_limit(stdin):
    stdin(b"a,b\n1,2\n")
    with pytest.raises(CSVError, match=r"^<stdin>: the input is larger than the limit of 4 bytes$"):
        read_csv("-", max_bytes=4)
    stdin(b"a,b\n1,2\n")
    assert read_csv("-", max_bytes=8).rows == [["1", "2"]]


def test_a_first_line_starting_with_hash_is_an_ordinary_header(tmp_path):
    t = read_csv(write(tmp_path, "# id,y\n1,x\n"))
    assert (t.columns, t.rows) == (["# id", "y"], [["1", "x"]])


def test_unnamed_empty_trailing_columns_are_left_off():
    table = parse_csv_text("area,size,y,,\n1,2,a,,\n3,4,b,,\n", "sheet.csv")
    assert table.columns == ["area", "size", "y"] and table.rows == [["1", "2", "a"], ["3", "4", "b"]]
    with pytest.raises(CSVError, match=r"^sheet.csv:3: column 4 holds a value \('7'\) but the header "
                                       r"gives it no name$"):
        parse_csv_text("area,size,y,,\n1,2,a,,\n3,4,b,7,\n", "sheet.csv")
    with pytest.raises(CSVError, match=r"^sheet.csv:1: column 2 of the header has no name$"):
        parse_csv_text("a,,b\n1,2,3\n", "sheet.csv")


def test_a_bom_after_a_sep_line_is_not_part_of_the_first_column_name(tmp_path):
    """`sed -i '1i sep=;'` on Excel's 'CSV UTF-8' export puts the BOM on line 2."""
    path = tmp_path / "v.csv"
    path.write_bytes(b"sep=;\n\xef\xbb\xbfDatum;Wert\n2024-01-01;4,5\n")
    table = read_csv(path)
    assert table.columns == ["Datum", "Wert"] and table.rows == [["2024-01-01", "4,5"]]


def test_a_pandas_row_index_column_and_a_windows_1252_file_get_a_fix_in_the_message(tmp_path):
    with pytest.raises(CSVError, match=r"^p.csv:1: column 1 of the header has no name \(a row index "
                                       r"written by pandas' to_csv\? write the file with index=False"):
        parse_csv_text(",a,b\n0,1,2\n1,3,4\n", "p.csv")
    path = tmp_path / "w.csv"
    path.write_bytes("Stadt,Wert\nMünchen,1\n".encode("cp1252"))
    with pytest.raises(CSVError, match=r"w.csv:2: the file is not UTF-8 text .*iconv -f cp1252 -t "
                                       r"utf-8 \S*w.csv > \S*w-utf8.csv$"):   # ready to paste
        read_csv(path)
