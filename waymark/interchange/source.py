"""Reading and writing the interchange files: a folder or a .zip of UTF-8 CSVs."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

# Limits for what one import will read, so a hostile or broken archive cannot exhaust memory.
MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
# One cell may be long (an incident description), but not unboundedly.
csv.field_size_limit(1024 * 1024)


class SourceError(Exception):
    """The folder or archive as a whole cannot be read. The message is shown to the user."""


def read_source(path: str | Path) -> dict[str, bytes]:
    """Every ``*.csv`` in the folder or .zip, by file name (lower case). Sub-folders are not read,
    except that a .zip whose files all sit in one top-level folder is read from that folder."""
    path = Path(path)
    if path.is_dir():
        files: dict[str, bytes] = {}
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() == ".csv":
                if child.stat().st_size > MAX_FILE_BYTES:
                    raise SourceError(f"{child.name} is larger than {MAX_FILE_BYTES // 2**20} MiB.")
                files[child.name.lower()] = child.read_bytes()
        return files
    if path.is_file() and zipfile.is_zipfile(path):
        return _read_zip(path)
    if path.exists():
        raise SourceError(f"{path} is neither a folder nor a .zip file.")
    raise SourceError(f"{path} does not exist.")


def read_zip_bytes(data: bytes) -> dict[str, bytes]:
    """Every ``*.csv`` in a .zip held in memory (an upload), as ``read_source`` reads a .zip file."""
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise SourceError("The file is not a .zip archive.")
    return _read_zip(buffer)


def _read_zip(path: Path | IO[bytes]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise SourceError(f"The archive holds {len(members)} files: at most {MAX_ARCHIVE_MEMBERS} are read.")
        tops = {m.filename.split("/")[0] for m in members if "/" in m.filename}
        prefix = f"{next(iter(tops))}/" if len(tops) == 1 and all("/" in m.filename for m in members) else ""
        for member in members:
            name = member.filename[len(prefix) :] if prefix else member.filename
            if "/" in name or "\\" in name or not name.lower().endswith(".csv"):
                continue
            if member.file_size > MAX_FILE_BYTES:
                raise SourceError(f"{name} is larger than {MAX_FILE_BYTES // 2**20} MiB.")
            if name.lower() in files:
                raise SourceError(f"The archive holds {name} twice.")
            files[name.lower()] = archive.read(member)
    return files


def decode_rows(data: bytes) -> list[list[str]]:
    """The rows of one CSV file. Raises SourceError (naming the row) for undecodable input."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"is not UTF-8 text (the first bad byte is at position {error.start}).") from None
    if "\x00" in text:
        raise SourceError("contains NUL bytes: it is not a text CSV file.")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise SourceError(f"cannot be read as CSV ({error}).") from None


def write_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """The rows as UTF-8 CSV, lines ending in ``\\n``, read back by ``decode_rows`` exactly.

    Python's writer quotes a cell holding a line feed but not one holding only a carriage return
    (it is not in the line terminator), which a reader takes for a line break: a row with a
    carriage return in any cell is written with every cell quoted."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        (quoted if any("\r" in cell for cell in row) else writer).writerow(row)
    return buffer.getvalue().encode("utf-8")


def write_zip(target: Path | IO[bytes], files: dict[str, bytes]) -> None:
    """The files as one .zip, in name order, each with a fixed timestamp so that the same data
    gives the same archive."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    write_zip(buffer, files)
    return buffer.getvalue()


def write_target(path: str | Path, files: dict[str, bytes]) -> None:
    """Writes the files into a folder, or into a .zip when ``path`` ends in .zip."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        path.parent.mkdir(parents=True, exist_ok=True)
        write_zip(path, files)
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (path / name).write_bytes(data)
