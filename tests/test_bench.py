"""The benchmark's school generator is deterministic and shaped as BENCHMARKS.md says; its command line starts."""

import subprocess
import sys
from pathlib import Path

from bench.scenarios import LOAD_ORDER, LOADS, REFERENCE_OF, REQUEST_OF, _loads_in_order, turns
from bench.school import classes_for, code_version, workbook_write

BASE_DIR = Path(__file__).resolve().parents[1]


def test_the_same_size_gives_byte_identical_workbooks(tmp_path):
    first = workbook_write(tmp_path / "a", 250)
    second = workbook_write(tmp_path / "b", 250)
    assert first == second
    for sheet in first:
        assert (tmp_path / "a" / f"{sheet}.csv").read_bytes() == (tmp_path / "b" / f"{sheet}.csv").read_bytes()


def test_the_school_is_shaped_like_the_benchmark_school(tmp_path):
    counts = workbook_write(tmp_path, 250)
    assert counts["students"] == 250
    assert counts["classes"] == classes_for(250) == 11  # grades 1–11 need at least one class each
    assert classes_for(1000) == 40
    assert classes_for(4000) == 160
    assert counts["subjects"] >= 15
    assert counts["timetable"] > 0
    assert counts["assignments"] > 0


def test_the_cache_key_is_stable():
    assert code_version() == code_version()
    assert len(code_version()) == 10


def test_python_m_bench_help_describes_the_options():
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--help"], cwd=BASE_DIR, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "--quick" in result.stdout
    assert "--students" in result.stdout


def test_growth_sizes_take_turns_forth_and_back_the_small_ones_more_often():
    assert turns((1000, 250, 4000), 2) == [(250, 4), (1000, 1), (4000, 1), (4000, 1), (1000, 1), (250, 4)]
    assert turns((500, 300), 1) == [(300, 4), (500, 2)]


def test_every_load_follows_its_reference_closely_and_unused_references_are_not_loaded():
    loads = _loads_in_order(LOAD_ORDER, REFERENCE_OF)
    assert loads == LOAD_ORDER  # the full run loads every reference it lists
    for scenario in LOADS:
        name = REQUEST_OF.get(scenario, scenario)
        position = loads.index(name)
        latest = max(at for at, load in enumerate(loads[:position]) if load == REFERENCE_OF[name])
        assert position - latest <= 2  # at most one other load between a scenario and its reference
    quick = [name for name in LOAD_ORDER if name in {"B3", "B5", "B6", "B3ref", "B5ref", "ceiling"}]
    assert _loads_in_order(quick, REFERENCE_OF) == ["B3ref", "B3", "B5ref", "B5", "ceiling", "B6"]


def test_a_fresh_copy_of_a_school_does_not_replay_the_log_left_by_an_earlier_copy(tmp_path, monkeypatch):
    import shutil
    import sqlite3

    from bench import school

    source = tmp_path / "school-7-cached.sqlite3"
    with sqlite3.connect(source) as database:
        database.execute("CREATE TABLE cells (value INTEGER)")
        database.execute("INSERT INTO cells VALUES (1)")
    monkeypatch.setattr(school, "database_ensure", lambda students: source)
    run = tmp_path / "run"
    run.mkdir()

    first = school.database_copy(7, run)
    database = sqlite3.connect(first)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("INSERT INTO cells VALUES (2)")
    database.commit()
    # The process writing into the copy stops before SQLite has folded its log back into the file.
    shutil.copyfile(f"{first}-wal", tmp_path / "left-behind-wal")
    database.close()
    shutil.copyfile(tmp_path / "left-behind-wal", f"{first}-wal")

    second = school.database_copy(7, run)
    assert second == first
    with sqlite3.connect(second) as database:
        assert database.execute("SELECT value FROM cells").fetchall() == [(1,)]


def test_the_people_loader_sends_each_line_as_its_own_person(tmp_path):
    """B3/B4/B6 read a requests file of one person per line (address, header, value) round-robin, in wrk's script
    and in the Python loader alike."""
    from bench.load import GETS_LUA, THREADS, people_read

    people = tmp_path / "people.tsv"
    people.write_text("/a/?week=1\tAuthorization\tBearer one\n/b/?week=1\tCookie\tsessionid=two; csrftoken=x\n")
    assert people_read(str(people)) == [
        ("/a/?week=1", "Authorization", "Bearer one"),
        ("/b/?week=1", "Cookie", "sessionid=two; csrftoken=x"),
    ]
    script = GETS_LUA % THREADS
    assert f"n % {THREADS} == id" in script and 'line:find("\\t", start, true)' in script
