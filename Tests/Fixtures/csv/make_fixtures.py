#!/usr/bin/env python3
"""Writes the CSV fixtures and expected.json for Tests/BackpropTests/Data/CSV*Tests.swift.

Deterministic: run it from anywhere (`python3 Tests/Fixtures/csv/make_fixtures.py`);
it rewrites every file in this folder. Good files are written by Python's own
`csv` module (a few, whose point is bytes `csv` never writes -- blank lines,
spaces around numbers, a broken quote -- are written raw). The expected values
come from reading each file back with `csv.reader` and converting with
`float()` and `sorted()`, independently of the Swift reader.

Conventions the Swift reader documents and this script mirrors:
- blank lines are skipped; spaces and tabs around a cell are ignored;
- the target is chosen by "last", "name:NAME" or "index:N" (0-based, negative
  from the end); a text label column becomes class indices in sorted order;
- errors are "FILE: line L, column C (NAME): problem", L and C 1-based, lines
  physical (a quoted line end counts).
"""
import csv
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = []
BAD = []


def path(name):
    return os.path.join(HERE, name)


def write_csv(name, rows, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL, encoding="utf-8",
              strip_last_newline=False):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting)
    writer.writerows(rows)
    text = buffer.getvalue()
    if strip_last_newline:
        text = text[: -len(lineterminator)]
    with open(path(name), "w", encoding=encoding, newline="") as f:
        f.write(text)


def write_raw(name, data):
    with open(path(name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def read_back(name, delimiter, encoding="utf-8"):
    with open(path(name), encoding=encoding, newline="") as f:
        return [row for row in csv.reader(f, delimiter=delimiter) if row]


def resolve(target, names):
    if target == "last":
        return len(names) - 1
    kind, value = target.split(":", 1)
    if kind == "index":
        index = int(value)
        return index + len(names) if index < 0 else index
    return names.index(value)


def good(name, delimiter, has_header, target="last", options=None, encoding="utf-8", class_names=None):
    """Reads `name` back with csv and records what the Swift reader must return."""
    rows = read_back(name, delimiter, encoding)
    columns = len(rows[0])
    if has_header:
        names = [cell.strip() or f"column {k + 1}" for k, cell in enumerate(rows[0])]
        rows = rows[1:]
    else:
        names = [f"column {k + 1}" for k in range(columns)]
    t = resolve(target, names)
    features = [[float(cell.strip()) for k, cell in enumerate(row) if k != t] for row in rows]
    labels = [row[t].strip() for row in rows]
    if class_names is not None:
        targets = [float(class_names.index(label)) for label in labels]
        classes = class_names
    else:
        try:
            targets = [float(label) for label in labels]
            classes = None
        except ValueError:
            classes = sorted(set(labels))  # code-point order, as LabelEncoder
            targets = [float(classes.index(label)) for label in labels]
    GOOD.append({
        "file": name,
        "options": dict({"target": target, "delimiter": None, "has_header": None, "class_names": class_names},
                        **(options or {})),
        "delimiter": delimiter,
        "has_header": has_header,
        "feature_names": [n for k, n in enumerate(names) if k != t],
        "target_name": names[t],
        "target_index": t,
        "class_names": classes,
        "features": features,
        "targets": targets,
    })


def bad(name, line, column, name_of_column, message, options=None, kind="file"):
    """An error the Swift reader must throw: a FileFormatError ("file") at `line`
    and `column` (1-based, or None), or a ConfigurationError ("configuration")."""
    BAD.append({
        "file": name,
        "kind": kind,
        "options": dict({"target": "last", "delimiter": None, "has_header": None, "class_names": None},
                        **(options or {})),
        "line": line,
        "column": column,
        "column_name": name_of_column,
        "message": message,
    })


def main():
    for entry in os.listdir(HERE):
        if entry.endswith((".csv", ".tsv", ".txt")) or entry == "expected.json":
            os.remove(path(entry))

    # --- Good files -------------------------------------------------------
    numbers = [
        ["1", "2.5", "-3", "0"],
        ["1e-3", "-2.5", "+3", "1"],
        [".5", "7.", "1E+2", "2"],
        ["0.1", "-0", "123456789012345678901234", "0"],
        ["3.141592653589793", "2.718281828459045", "1e-310", "1"],
        ["-0.000001234", "98765.4321", "6.02214076e23", "2"],
    ]
    write_csv("comma_header.csv", [["x1", "x2", "x3", "label"]] + numbers)
    good("comma_header.csv", ",", True)
    good("comma_header.csv", ",", True, target="index:-2")
    good("comma_header.csv", ",", True, target="index:0")

    # Quoted header names holding the delimiter, quotes and a line end.
    header = ["width; cm", 'say "hi"', "two\nlines", "target"]
    write_csv("semicolon_quoted.csv", [header] + [[f"{i}.25", f"-{i}", f"{i}e1", str(i % 2)] for i in range(5)],
              delimiter=";")
    good("semicolon_quoted.csv", ";", True, target="name:target")
    good("semicolon_quoted.csv", ";", True, target="name:two\nlines")

    write_csv("quote_all.csv", [["a", "b", "c"]] + [[str(i), str(i * 0.5), "yes" if i % 3 else "no"] for i in range(6)],
              quoting=csv.QUOTE_ALL)
    good("quote_all.csv", ",", True)

    write_csv("tab_noheader.tsv", [[str(i), f"{i * 1.5}", f"{-i / 4}", f"{i * i}", str(i % 3)] for i in range(7)],
              delimiter="\t")
    good("tab_noheader.tsv", "\t", False, target="index:0")
    good("tab_noheader.tsv", "\t", False, target="name:column 3")

    # CRLF (csv's default line end), labels holding a comma, a quote and a CRLF.
    labels = ["Iris, setosa", 'say "versicolor"', "virginica\r\nsecond line"]
    write_csv("crlf_labels.csv", [["f1", "f2", "species"]] + [[str(i), str(i / 8), labels[(i * 7) % 3]] for i in range(9)],
              lineterminator="\r\n")
    good("crlf_labels.csv", ",", True)

    write_csv("bom.csv", [["température", "größe", "target"], ["1", "2", "0"], ["3", "4", "1"], ["5", "6", "1"]],
              encoding="utf-8-sig")
    good("bom.csv", ",", True, encoding="utf-8-sig")

    # String labels in an unsorted order of appearance.
    iris = [
        ["6.3", "3.3", "6.0", "2.5", "virginica"],
        ["5.1", "3.5", "1.4", "0.2", "setosa"],
        ["7.0", "3.2", "4.7", "1.4", "versicolor"],
        ["4.9", "3.0", "1.4", "0.2", "setosa"],
        ["5.8", "2.7", "5.1", "1.9", "virginica"],
        ["6.4", "3.2", "4.5", "1.5", "versicolor"],
    ]
    iris_header = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    write_csv("iris_labels.csv", [iris_header] + iris)
    good("iris_labels.csv", ",", True, target="name:species")
    # A test split with a subset of classes, encoded with the training classes.
    write_csv("iris_labels_test.csv", [iris_header] + [iris[2], iris[0], iris[2]])
    training_classes = ["setosa", "versicolor", "virginica"]
    good("iris_labels_test.csv", ",", True, target="name:species", class_names=training_classes)
    write_csv("iris_labels_unseen.csv", [iris_header] + [iris[1], ["5.0", "3.0", "1.5", "0.3", "unknown"], iris[2]])
    bad("iris_labels_unseen.csv", 3, 5, "species", 'unknown class "unknown"; the model knows 3 classes',
        options={"target": "name:species", "class_names": training_classes})
    # Headerless, string labels: the first row's only text is in the label column.
    write_csv("headerless_labels.csv", [row for row in iris])
    good("headerless_labels.csv", ",", False)

    write_csv("regression.csv", [["a", "price", "b"]] + [[str(i), f"{100 + i * 12.75}", str(-i)] for i in range(5)])
    good("regression.csv", ",", True, target="name:price")
    good("regression.csv", ",", True, target="index:1")

    write_csv("no_trailing_newline.csv", [["p", "q", "r"], ["1", "2", "3"], ["4", "5", "6"]], strip_last_newline=True)
    good("no_trailing_newline.csv", ",", True)

    write_csv("cr_only.csv", [["p", "q", "r"], ["1", "2", "3"], ["4", "5", "6"]], lineterminator="\r")
    good("cr_only.csv", ",", True)

    # A first row of numbers is data, not a header (unless told).
    write_csv("numeric_first_row.csv", [["1", "2", "3", "4"], ["5", "6", "7", "8"], ["9", "10", "11", "12"]])
    good("numeric_first_row.csv", ",", False)
    good("numeric_first_row.csv", ",", True, options={"has_header": True})

    write_csv("pipe.csv", [["u", "v", "w"], ["1", "2", "3"], ["4", "5", "6"]], delimiter="|")
    good("pipe.csv", "|", True, options={"delimiter": "|"})

    # Numbers first, then text: the whole column is labels, sorted by code point ("10" < "9" < "cat").
    write_csv("mixed_labels.csv", [["x", "y", "label"], ["1", "2", "9"], ["3", "4", "10"], ["5", "6", "cat"],
                                   ["7", "8", "9"]])
    good("mixed_labels.csv", ",", True)

    write_raw("blank_lines.csv", "a,b,c\n\n1,2,3\n\n\n4,5,6\n\n")
    good("blank_lines.csv", ",", True)
    write_raw("spaces.csv", "a , b,c\n 1.5 , 2 ,0\n\t3,\t4\t, 1 \n")
    good("spaces.csv", ",", True)

    # --- Bad files ----------------------------------------------------------
    write_csv("bad_empty_cell.csv", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"], ["7", "", "9"]])
    bad("bad_empty_cell.csv", 4, 2, "b", "empty cell")
    write_csv("bad_empty_target.csv", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", ""]])
    bad("bad_empty_target.csv", 3, 3, "c", "empty cell")
    write_csv("bad_nan.csv", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "nan"], ["7", "8", "9"]])
    bad("bad_nan.csv", 3, 3, "c", '"nan" is not a finite number')
    write_csv("bad_nan_feature.csv", [["a", "b", "c"], ["1", "NaN", "3"]])
    bad("bad_nan_feature.csv", 2, 2, "b", '"NaN" is not a finite number')
    write_csv("bad_inf.csv", [["a", "b", "c"], ["1", "2", "3"], ["-inf", "5", "6"]])
    bad("bad_inf.csv", 3, 1, "a", '"-inf" is not a finite number')
    write_csv("bad_overflow.csv", [["a", "b", "c"], ["1", "1e999", "3"]])
    bad("bad_overflow.csv", 2, 2, "b", '"1e999" is not a finite number')
    write_csv("bad_text_feature.csv", [["a", "b", "c"], ["1", "2", "0"], ["3", "4", "1"], ["5", "6", "0"],
                                       ["abc", "8", "1"]])
    bad("bad_text_feature.csv", 5, 1, "a", '"abc" is not a number')
    long_text = "this cell is far too long to show whole in an error message"
    write_csv("bad_long_text.csv", [["a", "b", "c"], ["1", long_text, "0"]])
    bad("bad_long_text.csv", 2, 2, "b", '"' + long_text[:40] + '…" is not a number')
    write_csv("bad_decimal_comma.csv", [["a", "b", "c"], ["1", "2,5", "0"]], delimiter=";")
    bad("bad_decimal_comma.csv", 2, 2, "b", '"2,5" is not a number')
    write_csv("bad_ragged_short.csv", [["a", "b", "c", "d"], ["1", "2", "3", "4"], ["1", "2", "3", "4"],
                                       ["5", "6", "7"], ["1", "2", "3", "4"]])
    bad("bad_ragged_short.csv", 4, None, None, "expected 4 columns, as on line 1, found 3")
    write_csv("bad_ragged_long.csv", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6", "7", "8"]])
    bad("bad_ragged_long.csv", 3, None, None, "expected 3 columns, as on line 1, found 5")
    write_raw("bad_unterminated.csv", 'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n')
    bad("bad_unterminated.csv", 3, 2, "b", "unterminated quoted cell")
    write_raw("bad_after_quote.csv", 'a,b,c\n1,2,3\n4,"5"x,6\n')
    bad("bad_after_quote.csv", 3, 2, "b", "unexpected 'x' after the closing quote")
    write_csv("bad_header_only.csv", [["a", "b", "c"]])
    bad("bad_header_only.csv", None, None, None, "no data rows: the file holds only the header on line 1")
    write_raw("bad_empty.csv", "")
    bad("bad_empty.csv", None, None, None, "no data rows: the file is empty")
    write_raw("bad_blank.csv", "\n\n\r\n")
    bad("bad_blank.csv", None, None, None, "no data rows: the file is empty")
    write_csv("bad_one_column.csv", [["x"], ["1"], ["2"]])
    bad("bad_one_column.csv", 1, None, None, "only one column")
    write_raw("bad_utf8.csv", b"a,b,c\n1,2,3\n4,\xff\xfe,6\n")
    bad("bad_utf8.csv", 3, 2, "b", "invalid UTF-8")
    write_raw("bad_utf8_label.csv", b"a,b,c\n1,2,x\n4,5,caf\xc3\n")
    bad("bad_utf8_label.csv", 3, 3, "c", "invalid UTF-8")
    # Physical lines: a quoted line end in the header, CRLF line ends.
    write_csv("bad_after_multiline_header.csv", [["a", "two\nlines", "c"], ["1", "2", "3"], ["4", "x", "6"]],
              lineterminator="\r\n")
    bad("bad_after_multiline_header.csv", 4, 2, "two\nlines", '"x" is not a number')
    write_csv("bad_after_multiline_cell.csv", [["a", "b", "c"], ["1", "2", "multi\r\nline\nlabel"], ["4", "5", "y"],
                                                ["7", "", "z"]])
    bad("bad_after_multiline_cell.csv", 6, 2, "b", "empty cell")
    bad("comma_header.csv", None, None, None, 'no column named "species"', options={"target": "name:species"},
        kind="configuration")
    bad("comma_header.csv", None, None, None, "column index 4 is out of range", options={"target": "index:4"},
        kind="configuration")
    bad("comma_header.csv", None, None, None, "column index -5 is out of range", options={"target": "index:-5"},
        kind="configuration")

    with open(path("expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"good": GOOD, "bad": BAD}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    total = sum(os.path.getsize(path(entry)) for entry in os.listdir(HERE))
    print(f"{len(GOOD)} good cases, {len(BAD)} bad cases, {total} bytes in {HERE}")


if __name__ == "__main__":
    main()
