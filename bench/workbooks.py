"""The generator's workbook (a folder of CSV sheets) as the one .xlsx file a school actually uploads."""

import csv
from pathlib import Path


def csv_folder_to_xlsx(folder: Path, target: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for path in sorted(Path(folder).glob("*.csv")):
        sheet = book.create_sheet(path.stem)
        with path.open(encoding="utf-8", newline="") as handle:
            for values in csv.reader(handle):
                sheet.append(values)
    partial = target.with_suffix(".partial")
    book.save(partial)
    partial.rename(target)
