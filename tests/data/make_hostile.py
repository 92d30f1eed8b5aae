"""Write the hostile CSV corpus next to this script: `python tests/data/make_hostile.py`.

Each file is a small real-world way a CSV goes wrong. The files are committed; this script
is how they were made (deterministic: no clock, no unseeded randomness). The expected
outcome of each lives in `tests/test_hostile_csv.py`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).parent / "hostile"


def days(n: int, start_day: int = 1) -> list[str]:
    """ISO dates for n consecutive days of January/February 2020."""
    import datetime as dt

    first = dt.date(2020, 1, start_day)
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(n)]


def table(header: str, rows: list[str], newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


def series(n: int = 30) -> list[str]:
    return [f"{d},{10 + (i % 7) * 1.5:.1f}" for i, d in enumerate(days(n))]


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def corpus() -> dict[str, bytes]:
    files: dict[str, str | bytes] = {}
    files["empty.csv"] = b""
    files["whitespace_only.csv"] = "\n  \n\t\n\n"
    files["header_only.csv"] = "date,value\n"
    files["binary_bytes.csv"] = bytes(range(256)) * 8
    files["xlsx_renamed.csv"] = zip_bytes(
        {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<x/>"}
    )
    files["zip_renamed.csv"] = zip_bytes({"data.csv": table("date,value", series())})
    files["gzip_renamed.csv"] = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(40)
    files["html_error_page.csv"] = (
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
        "<body><h1>Not Found</h1><p>The requested URL was not found, date,value</p></body></html>\n"
    )
    files["no_numeric_column.csv"] = table("date,city", [f"{d},Paris" for d in days(20)])
    files["target_all_missing.csv"] = table(
        "date,value", [f"{d},{'NA' if i % 2 else ''}" for i, d in enumerate(days(20))]
    )
    files["too_short.csv"] = table("date,value", series(5))
    files["one_row.csv"] = table("date,value", series(1))
    files["constant_series.csv"] = table("date,value", [f"{d},5" for d in days(30)])
    inf_rows = series(30)
    inf_rows[3], inf_rows[10], inf_rows[20] = f"{days(30)[3]},inf", f"{days(30)[10]},-Infinity", f"{days(30)[20]},1e999"
    files["inf_values.csv"] = table("date,value", inf_rows)
    ragged = [f"{d},{i}.5,{i}" for i, d in enumerate(days(30))]
    ragged[7] += ",extra"
    ragged[12] = ragged[12].rsplit(",", 1)[0]
    files["ragged_rows.csv"] = table("date,value,count", ragged)
    files["ragged_most_rows.csv"] = table("date,value", [f"{d},{i},{i},{i}" for i, d in enumerate(days(30))])
    files["semicolon_decimal_comma.csv"] = table(
        "Datum;Wert;Menge",
        [f"{i + 1:02d}.01.2020;{i},{i % 10};{1 + i}.{i:03d},5" for i in range(30)],
    )
    files["utf16_bom.csv"] = table("Date,Température", series()).encode("utf-16")
    files["latin1.csv"] = table("Datum,Größe °C", series()).encode("latin-1")
    files["utf8_bom.csv"] = table("Date,Value", series()).encode("utf-8-sig")
    unsorted = series(30)
    unsorted = unsorted[15:] + unsorted[:15] + [unsorted[4].split(",")[0] + ",99.0", unsorted[9]]
    files["duplicate_unsorted_timestamps.csv"] = table("date,value", unsorted)
    paris = [f"2020-03-28 {h:02d}:00:00+01:00" for h in range(24)] + ["2020-03-29 00:00:00+01:00"]
    paris += ["2020-03-29 01:00:00+01:00"] + [f"2020-03-29 {h:02d}:00:00+02:00" for h in range(3, 24)]
    files["tz_aware_timestamps.csv"] = table("timestamp,value", [f"{t},{i}" for i, t in enumerate(paris)])
    files["thousands_separators.csv"] = table(
        '"Date","Price","Volume"', [f'"{d}","{1200 + i}.{i:02d}","1,{i:03d},{i:03d}"' for i, d in enumerate(days(30))]
    )
    files["no_header_row.csv"] = table(series(1)[0], series(30)[1:])
    files["no_header_single_column.csv"] = "".join(f"{i * 0.5 + (i % 3)}\n" for i in range(30))
    wide_header = "date," + ",".join(f"s{j}" for j in range(3000))
    files["thousands_of_columns.csv"] = table(
        wide_header,
        [d + "," + ",".join(str(((i + 1) * (j + 1)) % 97) for j in range(3000)) for i, d in enumerate(days(30))],
    )
    formula_rows = [f"{d},{i}.0,note" for i, d in enumerate(days(30))]
    formula_rows[2] = f"{days(30)[2]},=1+1,=cmd|' /C calc'!A0"
    formula_rows[5] = f"{days(30)[5]},@SUM(A1:A2),+cmd|' /C notepad'!A0"
    formula_rows[8] = f"{days(30)[8]},-2+3+cmd|' /C calc'!A0,-ok"
    files["formula_cells.csv"] = table("date,value,comment", formula_rows)
    files["formula_only_column.csv"] = table("date,value", [f"{d},=A{i}+1" for i, d in enumerate(days(20))])
    mixed = ["2020-01-01", "Jan 2 2020", "2020/01/03", "4 January 2020", "2020-01-05T00:00:00", '"January 6, 2020"']
    files["mixed_date_formats.csv"] = table("date,value", [f"{d},{i}" for i, d in enumerate(mixed + days(24, 7))])
    files["trailing_empty_lines.csv"] = table("date,value", series()) + "\n\n,\n,,\n\n"
    files["windows_line_endings.csv"] = table("date,value", series(), newline="\r\n")
    files["old_mac_line_endings.csv"] = table("date,value", series(), newline="\r")
    files["negative_and_zero.csv"] = table("date,value", [f"{d},{(i % 5) - 2}" for i, d in enumerate(days(30))])
    files["yahoo_export.csv"] = table(
        "Date,Open,High,Low,Close,Adj Close,Volume",
        [
            f"2023-01-{d:02d},{130 + d}.1,{131 + d}.5,{129 + d}.2,{130 + d}.9,{130 + d}.7,{70000000 + d * 1000}"
            for d in (3, 4, 5, 6, 9, 10, 11, 12, 13, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30, 31)
        ],
    )
    files["monthly_no_day.csv"] = table('"Month","Passengers"', [f'"1949-{m:02d}",{100 + m}' for m in range(1, 13)])
    files["no_date_column.csv"] = table("a,b", [f"{i},{i * 2}" for i in range(20)])
    holes = series(30)
    holes[4], holes[11], holes[12] = f"{days(30)[4]},", f"{days(30)[11]},NA", f"{days(30)[12]},n/a"
    files["missing_values.csv"] = table("date,value", holes)
    files["daily_gaps.csv"] = table("date,value", [r for i, r in enumerate(series(33)) if i not in (5, 6, 20)])
    files["excel_sep_hint.csv"] = "sep=;\n" + table("Date;Value", [r.replace(",", ";") for r in series()])
    files["tab_separated.csv"] = table("date\tvalue", [r.replace(",", "\t") for r in series()])
    files["quoted_newlines.csv"] = table(
        "date,value,comment", [f'{d},{i},"line one\nline two, with comma"' for i, d in enumerate(days(20))]
    )
    files["day_first_dates.csv"] = table("date,value", [f"{i + 1:02d}/01/2020,{i}" for i in range(31)])
    bad_dates = series(30)
    bad_dates[3], bad_dates[17] = "not a date,4.0", "31/02/2020x,5.0"
    files["some_bad_dates.csv"] = table("date,value", bad_dates)
    # Loads (15 rows >= 10) but is too short for the default window of 10 plus validation and test parts.
    files["short_for_window.csv"] = table("date,value", series(15))
    files["formula_column_names.csv"] = table(
        "date,=1+2,@SUM(A1:A9),+cmd|' /C calc'!A0",
        [f"{d},{(i * 7) % 11}.5,{(i * 5) % 13}.25,{i % 4}" for i, d in enumerate(days(20))],
    )
    files.update(dates_and_real_files())
    return {name: body if isinstance(body, bytes) else body.encode("utf-8") for name, body in files.items()}


def dates_and_real_files() -> dict[str, str]:
    """Time axes that are not one column of calendar dates, row counters, missing-value words, names in markdown."""
    import datetime as dt

    files: dict[str, str] = {}
    hours = [dt.datetime(2010, 12, 31, 20) + dt.timedelta(hours=k) for k in range(48)]
    wind = ["NW", "cv", "SE", "NE"]
    rows = [
        f"{k + 1},{t.year},{t.month},{t.day},{t.hour},{'NA' if k in (0, 1, 30) else 50 + k % 17},{-5 + k % 4},"
        f"{wind[k % 4]}"
        for k, t in enumerate(hours)
    ]
    files["split_time_columns.csv"] = table("No,year,month,day,hour,pm2.5,DEWP,cbwd", rows)
    minutes = [dt.datetime(2021, 3, 1, 23, 30) + dt.timedelta(minutes=10 * k) for k in range(30)]
    files["split_time_short_names.csv"] = table(
        "YEAR,Mo,dd,HR,min,load",
        [f"{t.year},{t.month},{t.day},{t.hour},{t.minute},{1.5 + k % 5}" for k, t in enumerate(minutes)],
    )
    files["split_year_month.csv"] = table(
        "Year,Month,Sales", [f"{2019 + k // 12},{k % 12 + 1},{100 + (k * 7) % 23}" for k in range(24)]
    )
    files["split_without_year.csv"] = table(
        "month,day,value", [f"{1 + k // 28},{1 + k % 28},{k % 9}" for k in range(40)]
    )
    files["yearless_month_labels.csv"] = table(
        '"Month","Sales"', [f'"{1 + k // 12}-{k % 12 + 1:02d}",{100 + (k * 13) % 37}.5' for k in range(36)]
    )
    files["yearless_labels_with_footer.csv"] = table(
        '"Month","Sales of shampoo over a three year period"',
        [f'"{1 + k // 12}-{k % 12 + 1:02d}",{100 + (k * 13) % 37}.5' for k in range(24)]
        + ["", "Sales of shampoo over a three year period"],
    )
    files["quarters_year_first.csv"] = table(
        "Quarter,GDP", [f"{1990 + k // 4} Q{k % 4 + 1},{500 + 3 * k}" for k in range(16)]
    )
    files["quarters_q_first.csv"] = table(
        "period;value", [f"Q{k % 4 + 1}-{1990 + k // 4};{k % 5},5" for k in range(14)]
    )
    files["iso_weeks.csv"] = table("week,cases", [f"2020-W{k + 1:02d},{(k * 11) % 29}" for k in range(20)])
    files["step_counter_column.csv"] = table("step,value", [f"{k},{(k * 3) % 7}.25" for k in range(20)])
    files["id_counter_and_dates.csv"] = table(
        "id,date,value", [f"{k + 100},{d},{k % 6}" for k, d in enumerate(days(20))]
    )
    words = ["NA", "N/A", "null", "-", "?", "#N/A"]
    holes = [f"{d},{words[k // 3] if k % 3 == 1 and k < 18 else 10 + k % 4}" for k, d in enumerate(days(24))]
    files["missing_value_words.csv"] = table("date,value", holes)
    files["text_column.csv"] = table(
        "date,value,direction", [f"{d},{k % 8},{'NW' if k % 3 else 'SE'}" for k, d in enumerate(days(20))]
    )
    files["markdown_in_names.csv"] = table(
        "date,$\\href{http://x}{y}$,**bold** :red[x] <b>", [f"{d},{k % 5}.5,{k % 3}" for k, d in enumerate(days(20))]
    )
    power = [dt.datetime(2006, 12, 16, 23, 50) + dt.timedelta(minutes=k) for k in range(30)]
    files["date_and_time_columns.csv"] = table(
        "Date;Time;Global_active_power;Voltage",
        [
            f"{t.day}/{t.month}/{t.year};{t:%H:%M:%S};{'?' if k == 7 else f'{4 + (k % 5) * 0.125:.3f}'};{234 + k % 3}.840"
            for k, t in enumerate(power)
        ],
    )
    files["date_and_hour_columns.csv"] = table(
        "date,hour,value", [f"{d},{h},{(h * 5) % 9}" for d in days(2) for h in range(0, 24, 2)]
    )
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
    months += ["November", "December"]
    files["year_and_month_names.csv"] = table(
        "Year,Month,Passengers", [f"{1949 + k // 12},{months[k % 12]},{112 + (k * 7) % 30}" for k in range(24)]
    )
    return files


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    for name, body in corpus().items():
        (HERE / name).write_bytes(body)


if __name__ == "__main__":
    main()
