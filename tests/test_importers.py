"""Importers: ACLED, UCDP GED, Bellingcat and native files become Parquet sets with reasons.

The fixtures in tests/fixtures/import/ are synthetic rows (test places, early 2023) written
with the column names and vocabularies of the published codebooks; each row's expected fate is
noted here from how it was written, not from the importer's output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import dashboard.importers as importers
from dashboard import config, schema
from dashboard.importers import ImportFailure, acled, detect_format, import_file
from dashboard.importers.common import COLUMNS, scan_text_file
from dashboard.importers.store import list_sets, read_set

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ACLED_CSV = FIXTURES / "acled.csv"
PROTESTS = "event type Protests is not one of the dashboard's kinds"


def run(path: Path, folder: Path, **options):
    """Import a fixture into ``folder`` and return the result and the stored rows."""
    result = import_file(path, folder=folder, **options)
    return result, read_set(result.name, folder).set_index("event_id")


def aside(result) -> dict[str, int]:
    return dict(result.report.reasons)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("acled.csv", "acled"),
        ("acled_bom.csv", "acled"),
        ("acled_cp1251.csv", "acled"),
        ("ucdp_ged.csv", "ucdp"),
        ("bellingcat.json", "bellingcat"),
        ("native.csv", "native"),
    ],
)
def test_format_is_detected_from_header_or_json(name, expected):
    """Test that each fixture's format is named from its header or its JSON shape."""
    assert detect_format(FIXTURES / name) == expected


@pytest.mark.parametrize(
    ("name", "encoding", "separator"),
    [
        ("acled.csv", "utf-8", ","),
        ("acled_bom.csv", "utf-8-sig", ","),
        ("acled_cp1251.csv", "cp1251", ";"),
    ],
)
def test_encoding_and_separator_are_sniffed(name, encoding, separator):
    """Test that UTF-8, UTF-8 with a BOM and cp1251 with ';' are recognised, header clean."""
    source = scan_text_file(FIXTURES / name)
    assert (source.encoding, source.separator) == (encoding, separator)
    assert source.header[0] == "event_id_cnty"
    assert len(source.header) == 31


def test_unknown_header_is_refused(tmp_path):
    """Test that a CSV no importer recognises fails with a message asking for --format."""
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match="--format"):
        detect_format(path)


def test_acled_keeps_strikes_on_civilians_and_sets_the_rest_aside(tmp_path):
    """Test ACLED mapping: two strikes kept, every other row set aside with its reason."""
    result, rows = run(ACLED_CSV, tmp_path)
    assert sorted(rows.index) == ["ACLED-TST1", "ACLED-TST2"]
    assert result.report.rows_read == 9
    assert aside(result) == {
        "Explosions/Remote violence with neither civilian targeting nor civilian victims is "
        "not a strike on civilians": 1,
        PROTESTS: 1,
        "event type Battles is not one of the dashboard's kinds": 1,
        "event_date is not a date": 1,
        "event_id repeats an earlier row's id": 1,
        "lat is outside -90..90": 1,
        "country is not recognised": 1,
    }
    assert result.report.first[:2] == [
        (
            4,
            "Explosions/Remote violence with neither civilian targeting nor civilian victims is "
            "not a strike on civilians",
        ),
        (5, PROTESTS),
    ]


def test_acled_fields_map_to_the_schema(tmp_path):
    """Test ACLED values: ids, dates in two layouts, precisions, oblast codes, provenance."""
    _, rows = run(ACLED_CSV, tmp_path)
    first, second = rows.loc["ACLED-TST1"], rows.loc["ACLED-TST2"]
    assert first["source_id"] == "TST1"
    assert first["source_event_type"] == (
        "Explosions/Remote violence: Shelling/artillery/missile attack"
    )
    assert first["date"] == pd.Timestamp("2023-01-15")
    assert second["date"] == pd.Timestamp("2023-03-05")  # "5 March 2023"
    assert (first["date_precision"], second["date_precision"]) == ("day", "week")
    assert (first["geo_precision"], second["geo_precision"]) == ("settlement", "admin1")
    assert (first["admin1_code"], first["admin1"]) == ("UA-63", "Kharkiv Oblast")
    assert second["admin1_code"] == "UA-51"
    assert (first["country"], first["kind"], first["killed"]) == ("UA", "strike", 2)
    assert first["verification"] == "reported"
    assert first["dataset"] == "acled"
    assert first["source_name"] == "ACLED via Test Gazette"
    assert first["actor"] == "Test Forces Alpha"


@pytest.mark.parametrize(
    ("admin1", "code"),
    [
        ("Kyiv", "UA-32"),
        ("Kyiv City", "UA-30"),
        ("Autonomous Republic of Crimea", "UA-43"),
        ("Sevastopol", "UA-40"),
        ("Zaporizhia", "UA-23"),
        ("Test Province", None),
    ],
)
def test_acled_admin1_names_map_to_iso_codes(admin1, code):
    """Test ACLED's oblast spellings, where a bare "Kyiv" is the oblast, not the city."""
    chunk = pd.read_csv(ACLED_CSV, dtype=str, keep_default_na=False, nrows=1)
    chunk["admin1"] = admin1
    frame, _ = acled.map_chunk(chunk, "test")
    assert (None if pd.isna(frame.loc[0, "admin1_code"]) else frame.loc[0, "admin1_code"]) == code


def test_cp1251_semicolon_file_keeps_cyrillic(tmp_path):
    """Test that a cp1251 ';' file imports with Cyrillic intact and the oblast recognised."""
    result, rows = run(FIXTURES / "acled_cp1251.csv", tmp_path)
    row = rows.loc["ACLED-TST21"]
    assert (row["place"], row["admin1_code"]) == ("Тестове", "UA-63")
    assert row["description"] == "Синтетичний тестовий рядок."
    assert aside(result) == {PROTESTS: 1}
    assert result.manifest["encoding"] == "cp1251"


def test_bom_file_reads_its_first_column(tmp_path):
    """Test that a UTF-8 BOM does not stick to the first header (the ids survive)."""
    _, rows = run(FIXTURES / "acled_bom.csv", tmp_path)
    assert sorted(rows["source_id"]) == ["TST1", "TST2"]


def test_ucdp_keeps_one_sided_and_civilian_deaths(tmp_path):
    """Test UCDP GED mapping of violence types, precisions and country-level places."""
    result, rows = run(FIXTURES / "ucdp_ged.csv", tmp_path)
    assert sorted(rows.index) == ["UCDP-900001", "UCDP-900002", "UCDP-900005"]
    assert aside(result) == {
        "state-based conflict event with no civilian deaths is not a strike on civilians": 1,
        "event type non-state conflict is not one of the dashboard's kinds": 1,
        "date_start is not a date": 1,
    }
    one_sided, state, country = (rows.loc[f"UCDP-90000{i}"] for i in (1, 2, 5))
    assert one_sided["source_event_type"] == "one-sided violence"
    assert (one_sided["killed"], one_sided["admin1_code"]) == (3, "UA-63")
    assert state["killed"] == 2  # civilian deaths, not the best total of 3
    assert (state["date_precision"], state["end_date"]) == ("month", pd.Timestamp("2023-01-31"))
    assert state["admin1_code"] == "UA-23"
    assert country["geo_precision"] == "country"
    assert pd.isna(country["lat"]) and pd.isna(country["admin1_code"])


def test_bellingcat_incidents_become_located_strikes(tmp_path):
    """Test Bellingcat mapping: point to oblast or country, target, tags, repeated ids."""
    result, rows = run(FIXTURES / "bellingcat.json", tmp_path)
    assert sorted(rows.index) == ["BCAT-TST001", "BCAT-TST002", "BCAT-TST002-2", "BCAT-TST004"]
    assert aside(result) == {
        "coordinates at 0,0 mark an unknown place": 1,
        "date is not a date (MM/DD/YYYY)": 1,
    }
    assert result.report.lines()[3].startswith("  bellingcat.json#4 ")
    kharkiv = rows.loc["BCAT-TST001"]
    assert (kharkiv["admin1_code"], kharkiv["country"]) == ("UA-63", "UA")
    assert (kharkiv["target_type"], kharkiv["weapon"]) == ("medical", "Cluster munitions")
    assert kharkiv["tags"] == "Healthcare;Residential;Cluster munitions"
    hidden = rows.loc["BCAT-TST002"]
    assert pd.isna(hidden["source_url"]) and "source-hidden" in hidden["tags"]
    repeat = rows.loc["BCAT-TST002-2"]
    assert (repeat["source_id"], repeat["source_url"]) == ("TST002", "https://example.org/b")
    assert repeat["other_sources"] == "https://example.org/c"
    belgorod = rows.loc["BCAT-TST004"]
    assert (belgorod["country"], belgorod["admin1_code"] is pd.NA) == ("RU", True)
    assert pd.isna(belgorod["target_type"])  # "Undefined" area


def test_native_rows_follow_the_curated_contract(tmp_path):
    """Test native import: curated checks apply, verification kept, formulas un-neutralised."""
    result, rows = run(FIXTURES / "native.csv", tmp_path)
    assert sorted(rows.index) == ["STA-0001", "STR-0001"]
    assert aside(result) == {
        "kind must be one of strike, deportation, visit, statement": 1,
        "title is empty": 1,
        "killed must be a whole number or empty": 1,
    }
    assert rows.loc["STR-0001", "verification"] == "confirmed"
    assert rows.loc["STR-0001", "weapon"] == '=HYPERLINK("https://evil.example")'
    assert rows.loc["STA-0001", "statement_type"] == "announcement"


@pytest.mark.parametrize("day", ["2099-01-15", "2013-11-20", "1999-12-31"])
def test_rows_dated_outside_the_period_are_set_aside(tmp_path, day):
    """Test that a row dated after today or before the covered period (from 2013-11-21) is
    set aside with that reason, while the other rows are kept."""
    lines = (FIXTURES / "native.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2023-01-15", day, 1)  # STR-0001, otherwise a good row
    changed = tmp_path / "native.csv"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, rows = run(changed, tmp_path / "sets")
    assert sorted(rows.index) == ["STA-0001"]
    reason = "date is outside the period covered (2013-11-21 to today)"
    assert aside(result)[reason] == 1


def test_no_foreign_row_is_marked_confirmed(tmp_path):
    """Test that rows from ACLED, UCDP and Bellingcat are all 'reported' and name their set."""
    for name in ("acled.csv", "ucdp_ged.csv", "bellingcat.json"):
        result, rows = run(FIXTURES / name, tmp_path)
        assert set(rows["verification"]) == {"reported"}
        assert set(rows["dataset"]) == {result.name}


def test_manifest_describes_the_set(tmp_path):
    """Test the manifest: name, format, source hash, counts, dates and columns."""
    result = import_file(ACLED_CSV, folder=tmp_path, name="Test Set")
    manifest = json.loads((tmp_path / "test-set.json").read_text(encoding="utf-8"))
    assert manifest == result.manifest
    assert (manifest["name"], manifest["format"]) == ("test-set", "acled")
    assert manifest["source_sha256"] == hashlib.sha256(ACLED_CSV.read_bytes()).hexdigest()
    assert (manifest["rows_read"], manifest["rows_kept"], manifest["rows_set_aside"]) == (9, 2, 7)
    assert manifest["set_aside_by_reason"][PROTESTS] == 1
    assert (manifest["first_date"], manifest["last_date"]) == ("2023-01-15", "2023-03-05")
    assert manifest["columns"] == list(schema.unified_columns()) + [
        "dataset",
        "source_id",
        "source_event_type",
    ]
    assert [m["name"] for m in list_sets(tmp_path)] == ["test-set"]


def test_small_chunks_give_the_same_set_and_lines(tmp_path):
    """Test that chunked reading changes nothing: repeats across chunks (lines 2 and 8)."""
    whole, whole_rows = run(ACLED_CSV, tmp_path / "whole")
    chunked, chunked_rows = run(ACLED_CSV, tmp_path / "chunked", chunk_rows=4)
    pd.testing.assert_frame_equal(whole_rows, chunked_rows)
    assert chunked.report.first == whole.report.first
    assert dict(chunked.report.reasons) == dict(whole.report.reasons)


def test_progress_is_reported_every_interval(tmp_path, monkeypatch):
    """Test that the progress callback fires each time the row count passes the interval."""
    monkeypatch.setattr(importers, "PROGRESS_EVERY", 4)
    calls: list[int] = []
    import_file(
        ACLED_CSV, folder=tmp_path, chunk_rows=4, progress=lambda rows, seconds: calls.append(rows)
    )
    assert calls == [4, 8]


def test_country_selection_sets_other_countries_aside(tmp_path):
    """Test --country: rows outside the chosen countries are set aside with that reason."""
    result, rows = run(FIXTURES / "bellingcat.json", tmp_path, countries=("ua",))
    assert "BCAT-TST004" not in rows.index
    assert aside(result)["country is outside the --country selection"] == 1


def test_failed_import_writes_nothing(tmp_path):
    """Test that a file lacking required columns is refused and leaves no file behind."""
    path = tmp_path / "broken.csv"
    path.write_text(
        "event_id_cnty,event_type,sub_event_type\nX1,Battles,Armed clash\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailure, match="lacks acled columns: event_date"):
        import_file(path, folder=tmp_path / "sets")
    assert list((tmp_path / "sets").glob("*")) == []


def test_existing_set_needs_replace(tmp_path):
    """Test that an import never overwrites a set silently, and does with replace=True."""
    import_file(ACLED_CSV, folder=tmp_path)
    with pytest.raises(ImportFailure, match="--replace"):
        import_file(ACLED_CSV, folder=tmp_path)
    assert import_file(ACLED_CSV, folder=tmp_path, replace=True).report.rows_kept == 2


def test_duckdb_reads_the_set(tmp_path):
    """Test that the Parquet file is queryable by DuckDB with typed columns."""
    result = import_file(FIXTURES / "ucdp_ged.csv", folder=tmp_path)
    path = str(result.parquet)
    with duckdb.connect() as connection:
        killed = connection.execute(
            "SELECT sum(killed), min(date)::VARCHAR FROM read_parquet(?)", [path]
        ).fetchone()
    assert killed == (8, "2023-01-15")


def cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    importers.add_import_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_prints_a_row_level_report(tmp_path, capsys):
    """Test the import command: file:line reasons, counts per reason, exit code 0."""
    code = importers.run_import(
        cli(["import", str(ACLED_CSV), "--into", str(tmp_path), "--show", "2"])
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"  acled.csv:5 {PROTESTS}" in out
    assert "acled.csv:6" not in out  # only the first two set-aside rows are listed
    assert f"        1  {PROTESTS}" in out
    assert "9 rows read, 2 kept, 7 set aside" in out


def test_cli_uses_the_configured_folder(tmp_path, monkeypatch):
    """Test that without --into the set goes to config.IMPORT_DIR."""
    monkeypatch.setattr(config, "IMPORT_DIR", tmp_path / "imported")
    assert importers.run_import(cli(["import", str(ACLED_CSV), "--format", "acled"])) == 0
    assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == [
        "acled.json",
        "acled.parquet",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "ucdp", "--name", "other"], "lacks ucdp columns"),
        (["--name", "acled"], "--replace"),
    ],
)
def test_cli_errors_exit_2_with_a_message(tmp_path, capsys, argv, message):
    """Test that a wrong format or an existing set exits 2 and says why on stderr."""
    import_file(ACLED_CSV, folder=tmp_path)
    code = importers.run_import(cli(["import", str(ACLED_CSV), "--into", str(tmp_path), *argv]))
    assert code == 2
    assert message in capsys.readouterr().err


def test_curated_tables_are_untouched(tmp_path, monkeypatch):
    """Test that importing never writes into the curated data folder."""
    monkeypatch.setattr(config, "IMPORT_DIR", tmp_path / "imported")
    before = {p.name: p.read_bytes() for p in config.DATA_DIR.glob("*.csv")}
    for name in ("acled.csv", "native.csv"):
        import_file(FIXTURES / name)
    assert {p.name: p.read_bytes() for p in config.DATA_DIR.glob("*.csv")} == before


def test_set_columns_match_the_schema():
    """Test that an imported set carries every unified column plus the three provenance ones."""
    assert COLUMNS[: len(schema.unified_columns())] == schema.unified_columns()


REFERENCE = os.environ.get("DASHBOARD_REFERENCE_DIR")


@pytest.mark.reference
@pytest.mark.skipif(not REFERENCE, reason="DASHBOARD_REFERENCE_DIR is not set")
def test_real_bellingcat_export_imports(tmp_path):
    """Test the real Bellingcat export: only placeholder points set aside, ids traceable."""
    path = Path(REFERENCE) / "bellingcat-civilian-harm" / "ukr-civharm-2024-06-02.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    placeholders = sum(
        abs(float(r["latitude"])) < 0.01 and abs(float(r["longitude"])) < 0.01 for r in records
    )
    result, rows = run(path, tmp_path)
    assert result.report.rows_read == len(records)
    assert result.report.reasons["coordinates at 0,0 mark an unknown place"] == placeholders
    assert rows.index.is_unique
    assert set(rows["source_id"]) <= {r["id"] for r in records}
    assert rows["date"].min() >= pd.Timestamp("2022-02-24")
    assert rows["date"].max() <= pd.Timestamp("2024-05-29")
    assert (rows["country"] == "UA").mean() > 0.9
    assert rows.loc[rows["country"] == "UA", "admin1_code"].notna().all()
