"""The suite's figures (tests/figures.py): counts add up per name, and table checksums see any change."""

import pytest

from tests.figures import Figures, changed_tables, table_checksums


def test_counts_under_one_name_add_up_into_one_printed_line():
    run = Figures()
    run.add("bad input", inputs=3, server_errors=0, unintended_changes=0)
    run.add("bad input", inputs=2, server_errors=0, unintended_changes=0)
    run.add("IDOR", probes=7, leaks=0)
    assert run.lines() == ["bad input: 5 inputs, 0 server errors, 0 unintended changes", "IDOR: 7 probes, 0 leaks"]


@pytest.mark.django_db
def test_table_checksums_are_stable_and_see_a_changed_row(small_school):
    before = table_checksums()
    assert table_checksums() == before
    assert before["diary_student"][0] == 4
    type(small_school.students[0]).objects.filter(pk=small_school.students[0].pk).update(first_name="Жаңы ат")
    assert changed_tables(before, table_checksums()) == ["diary_student"]
