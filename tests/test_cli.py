"""Tests for the command line, run in-process through ``main``."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from dashboard.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_passes_clean_tables(capsys, data_dir):
    """Test that validate prints counts per table and exits 0 on clean data."""
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "validate")
    assert code == 0
    assert "strike" in out and "3 rows kept" in out and "OK: 7 events" in out


def test_validate_names_the_broken_line(capsys, data_dir):
    """Test that a broken copy makes validate exit 1 and name file, line and column."""
    path = data_dir / "strikes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2022-10-10", "10.10.2022")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--data-dir", str(data_dir), "validate")
    assert code == 1
    assert "strikes.csv:3 [date]" in out and "problem" in err


def test_export_filters_like_the_url(capsys, data_dir):
    """Test that export --kind strike with dates outputs just the Dnipro strike as CSV."""
    code, out, _ = run(
        capsys,
        "--data-dir",
        str(data_dir),
        "export",
        "--kind",
        "strike",
        "--start",
        "2023-01-13",
        "--end",
        "2023-01-15",
    )
    frame = pd.read_csv(io.StringIO(out), dtype=str)
    assert code == 0 and list(frame["event_id"]) == ["STR-0001"]
    assert "target_type" in frame and "visitor" in frame


def test_export_near_adds_distances(capsys, data_dir, tmp_path):
    """Test that export --near writes distance_km and keeps only rows within the radius."""
    target = tmp_path / "near.csv"
    code, _, _ = run(
        capsys,
        "--data-dir",
        str(data_dir),
        "export",
        "--near",
        "Bucha",
        "--radius-km",
        "30",
        "-o",
        str(target),
    )
    frame = pd.read_csv(target)
    assert code == 0 and sorted(frame["event_id"]) == ["STR-0002", "VIS-0001"]  # Kyiv: 24.6 km
    assert frame.set_index("event_id")["distance_km"].between(0, 30).all()


@pytest.mark.parametrize(
    "argv",
    [
        ["--kind", "rumour"],
        ["--start", "2023-13-01"],
        ["--near", "Qwxzvbnm"],
        ["--radius-km", "zero"],
    ],
)
def test_export_rejects_bad_filters(capsys, data_dir, argv):
    """Test that a bad filter value is an error (exit 2) with a message, not a silent default."""
    code, out, err = run(capsys, "--data-dir", str(data_dir), "export", *argv)
    assert code == 2 and out == "" and "error: bad --" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kiev", "UA-30"),
        ("Харьков", "UA-63"),
        ("Artemivsk", "UA-14"),
        ("Кривой Рог", "UA-12"),
        ("Odessa", "UA-51"),
        ("Sevastopol", "UA-40"),
    ],
)
def test_geocode_prints_one_json_object(capsys, name, code):
    """Test that geocode answers offline with name, coordinates, code and source."""
    exit_code, out, _ = run(capsys, "geocode", name)
    place = json.loads(out)
    assert exit_code == 0 and place["admin1_code"] == code
    assert {"name", "lat", "lon", "admin1_code", "source"} <= set(place)


def test_geocode_unknown_place_exits_1_without_traceback(capsys):
    """Test that an unknown name gives exit 1 and a one-line message on stderr."""
    code, out, err = run(capsys, "geocode", "Qwxzvbnm")
    assert code == 1 and out == "" and "Qwxzvbnm" in err and "Traceback" not in err


def test_geocode_ambiguous_name_lists_alternatives(capsys):
    """Test that a name shared by many villages reports the others."""
    code, out, _ = run(capsys, "geocode", "Novoselivka")
    assert code == 0 and len(json.loads(out)["alternatives"]) >= 5


def test_summary_prints_the_headline_json(capsys, data_dir):
    """Test that summary --kind strike prints one JSON object with the sample strikes' sums."""
    code, out, err = run(capsys, "--data-dir", str(data_dir), "summary", "--kind", "strike")
    result = json.loads(out)
    assert code == 0 and err == ""
    assert result["events"] == 3 and result["by_kind"]["strike"] == 3
    killed = result["figures"]["killed"]
    # 46 (Dnipro) + 61 (Kramatorsk); the Kyiv row states no killed figure.
    assert (killed["value"], killed["rows"], killed["unknown"], killed["excluded"]) == (
        107,
        2,
        1,
        0,
    )
    assert result["figures"]["injured"]["value"] == 80 + 5 + 121
    assert result["figures"]["children_removed"]["value"] is None


def test_summary_data_dir_after_the_command(capsys, data_dir):
    """Test that --data-dir is accepted after the command name too."""
    code, out, _ = run(capsys, "summary", "--data-dir", str(data_dir))
    assert code == 0 and json.loads(out)["events"] == 7


def _one_line_error(code: int, out: str, err: str, expected_code: int) -> None:
    assert code == expected_code, err
    assert out == "" and err.count("\n") == 1 and "error" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("output", "code"),
    [
        ("{tmp}", 2),  # a directory
        ("", 2),  # no name at all
        ("{tmp}/file.txt/out.csv", 1),  # under a regular file: the system refuses
        ("{tmp}/missing/out.csv", 1),  # a folder that does not exist
    ],
)
def test_export_output_errors_are_one_line(capsys, data_dir, tmp_path, output, code):
    """Test that an unusable --output is one line on stderr and a non-zero exit."""
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    result = run(capsys, "--data-dir", str(data_dir), "export", "-o", output.format(tmp=tmp_path))
    _one_line_error(*result, code)
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("command", ["validate", "export", "summary"])
@pytest.mark.parametrize("where", ["file", "missing"])
def test_data_dir_must_be_a_folder(capsys, tmp_path, command, where):
    """Test that --data-dir naming a file or a missing folder exits 2 with one line."""
    path = tmp_path / "missing"
    if where == "file":
        path = tmp_path / "strikes.csv"
        path.write_text("event_id\n", encoding="utf-8")
    result = run(capsys, "--data-dir", str(path), command)
    _one_line_error(*result, 2)
    assert "not a folder" in result[2]


@pytest.mark.parametrize(
    "argv",
    [
        [],  # no command
        ["explode"],  # unknown command
        ["export", "--nope"],  # unknown flag
        ["export", "--kind"],  # flag without its value
        ["export", "--vague", "1"],  # a switch given a value
        ["export", "--radius-km", "5000"],  # out of range
        ["export", "--end", "2100-01-01"],  # after today
        ["export", "--oblast", "Atlantis"],
        ["export", "--q", "x" * 201],  # longer than the query limit
        ["summary", "--start", "2023-02-30"],
        ["summary", "--case", "nope"],
        ["geocode"],  # missing name
        ["geocode", "Kyiv", "--oblast", "Narnia"],
    ],
)
def test_bad_arguments_are_one_line_errors(capsys, data_dir, argv):
    """Test that each bad argument exits 2 with one line on stderr and nothing on stdout."""
    result = run(capsys, "--data-dir", str(data_dir), *argv)
    _one_line_error(*result, 2)


def test_help_exits_zero(capsys):
    """Test that --help prints usage and exits 0 (argparse's own exit)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0 and "export" in capsys.readouterr().out
