"""Broken feeds end in a FeedError naming the file, in bounded memory; fuzzed, and by kind."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transit import FeedError, load_feed
from transit.source import Limits
from transit.tests import brokenzips
from transit.tests.brokenzips import MIB, Member, deflated, members_of, write_zip, zeros
from transit.tests.feeds import DAY, feed_files, stops, trip, write_feed

ROOT = Path(__file__).resolve().parents[2]
GIB = 1 << 30
# Peak resident memory allowed while refusing a gibibyte bomb.
PEAK_MIB = 500


def small_feed(folder: Path) -> Path:
    """A valid feed with a station, a pickup restriction, a frequency and a transfer rule."""
    stop_rows = [
        *stops("A", "B", "C"),
        {
            "stop_id": "P",
            "stop_name": "Station",
            "stop_lat": 59.2,
            "stop_lon": 15.0,
            "location_type": 1,
        },
        {
            "stop_id": "P1",
            "stop_name": "Platform",
            "stop_lat": 59.2,
            "stop_lon": 15.0,
            "parent_station": "P",
        },
    ]
    t, times = trip("T1", ("A", "8:00"), ("B", "8:20"), ("P1", "8:40"))
    times[1]["pickup_type"] = 1
    return write_feed(
        folder,
        feed_files(
            stop_rows,
            (t, times),
            trip("T2", ("P1", "8:50"), ("C", "9:30")),
            frequencies_txt=[
                {
                    "trip_id": "T2",
                    "start_time": "10:00:00",
                    "end_time": "11:00:00",
                    "headway_secs": 1200,
                }
            ],
            transfers_txt=[
                {
                    "from_stop_id": "P1",
                    "to_stop_id": "P1",
                    "transfer_type": 2,
                    "min_transfer_time": 300,
                }
            ],
        ),
    )


def refusal(path: Path) -> str:
    with pytest.raises(FeedError) as caught:
        load_feed(path)
    message = str(caught.value)
    assert "\n" not in message and str(path.parent) not in message
    return message


def with_member(tmp_path: Path, name: str, change: Member) -> Path:
    members = [change if m.name == name else m for m in members_of(small_feed(tmp_path / "f"))]
    return write_zip(tmp_path / "feed.zip", members)


# --------------------------------------------------------------------------- by kind


def test_the_hand_made_zip_of_a_good_feed_loads(tmp_path: Path) -> None:
    feed = load_feed(write_zip(tmp_path / "feed.zip", members_of(small_feed(tmp_path / "f"))))
    assert feed.stop_ids == ["A", "B", "C", "P", "P1"]
    assert feed.timetable(DAY).n_connections > 0


def test_a_bad_crc(tmp_path: Path) -> None:
    content = (small_feed(tmp_path / "g") / "stops.txt").read_bytes()
    member = deflated("stops.txt", content)
    member.crc ^= 0xFFFF
    message = refusal(with_member(tmp_path, "stops.txt", member))
    assert message.startswith("stops.txt: cannot be unpacked") and "CRC" in message


def test_an_encrypted_member(tmp_path: Path) -> None:
    content = (small_feed(tmp_path / "g") / "trips.txt").read_bytes()
    member = deflated("trips.txt", content)
    member.flags = 1
    assert refusal(with_member(tmp_path, "trips.txt", member)) == (
        "trips.txt: the file is encrypted (password-protected)"
    )


def test_corrupt_deflate_data(tmp_path: Path) -> None:
    content = (small_feed(tmp_path / "g") / "stop_times.txt").read_bytes()
    member = deflated("stop_times.txt", content)
    member.data = member.data[:10] + b"\xff" * 40 + member.data[50:]
    assert refusal(with_member(tmp_path, "stop_times.txt", member)).startswith(
        "stop_times.txt: cannot be unpacked"
    )


def test_an_unknown_compression_method(tmp_path: Path) -> None:
    content = (small_feed(tmp_path / "g") / "routes.txt").read_bytes()
    member = deflated("routes.txt", content)
    member.method = 99
    assert refusal(with_member(tmp_path, "routes.txt", member)) == (
        "routes.txt: unknown compression method 99"
    )


def test_a_truncated_archive(tmp_path: Path) -> None:
    path = brokenzips.zip_folder(small_feed(tmp_path / "f"), tmp_path / "feed.zip")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert refusal(path).startswith("not a zip archive or a folder: feed.zip")


def test_stop_times_with_cr_only_line_ends(tmp_path: Path) -> None:
    folder = small_feed(tmp_path / "f")
    times = folder / "stop_times.txt"
    times.write_bytes(times.read_bytes().replace(b"\r\n", b"\r"))
    feed = load_feed(brokenzips.zip_folder(folder, tmp_path / "feed.zip"))
    assert len(feed.st_stop) == 5


def test_a_feed_larger_than_the_limit_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "feed.zip", members_of(small_feed(tmp_path / "f")))
    with pytest.raises(FeedError, match="unpacks to more than 100 bytes"):
        load_feed(path, limits=Limits(max_bytes=100))


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A gibibyte of zeros as stops.txt and as stop_times.txt, and one that lies about its size."""
    folder = tmp_path_factory.mktemp("bombs")
    good = members_of(small_feed(folder / "f"))
    made = {}
    for name in ("stops.txt", "stop_times.txt"):
        members = [m for m in good if m.name != name] + [zeros(name, GIB)]
        made[name] = write_zip(folder / f"{name}.zip", members)
    liar = zeros("stop_times.txt", 256 * MIB)
    liar.size = 8 * MIB  # declares 8 MiB, within every ratio
    made["lying"] = write_zip(
        folder / "lying.zip", [m for m in good if m.name != "stop_times.txt"] + [liar]
    )
    return made


def test_gibibyte_bombs_are_refused_within_the_memory_bound(bombs: dict[str, Path]) -> None:
    """Each refusal in a fresh process, whose peak resident memory is measured."""
    script = (
        "import json, sys\n"
        "from transit import FeedError, load_feed\n"
        "errors = []\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        load_feed(path)\n"
        "        errors.append(None)\n"
        "    except FeedError as error:\n"
        "        errors.append(str(error))\n"
        # The high-water mark of this process's own memory since its exec (ru_maxrss would
        # count the forked parent's, the test runner's, too).
        "status = open('/proc/self/status').read()\n"
        "peak = int(status.split('VmHWM:')[1].split()[0]) / 1024\n"
        "print(json.dumps({'errors': errors, 'peak_mib': peak}))\n"
    )
    paths = [bombs["stops.txt"], bombs["stop_times.txt"], bombs["lying"]]
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    found = json.loads(done.stdout)
    stops_error, times_error, lying_error = found["errors"]
    assert stops_error.startswith("stops.txt: unpacks to 1,073,741,824 bytes from")
    assert "zip bomb" in stops_error
    assert times_error.startswith("stop_times.txt: unpacks to 1,073,741,824 bytes")
    assert lying_error.startswith("stop_times.txt: cannot be unpacked")
    assert found["peak_mib"] < PEAK_MIB, found


# --------------------------------------------------------------------------- fuzzing


@pytest.fixture(scope="module")
def good_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = small_feed(tmp_path_factory.mktemp("good") / "feed")
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


NASTY = [
    b"",
    b"\r",
    b"\n",
    b",",
    b'"',
    b"\x00",
    b"\xff",
    b"300",
    b"-1",
    b"99999999999999999999",
    b"nan",
    b"1e999",
    b"25:61:61",
    b"\xef\xbb\xbf",
    b"\r\n\r\n",
    b",,,,",
]


@st.composite
def mutations(draw: st.DrawFn, files: dict[str, bytes]) -> dict[str, bytes]:
    """The feed's files with a few byte-level changes in one or two of them."""
    changed = dict(files)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        data = changed[name]
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["replace", "insert", "delete", "nasty", "line"]))
        if kind == "replace" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif kind == "nasty":
            end = at + draw(st.integers(0, 6))
            data = data[:at] + draw(st.sampled_from(NASTY)) + data[end:]
        else:
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[draw(st.integers(0, len(lines) - 1))])
            data = b"\n".join(lines)
        changed[name] = data
    return changed


def loads_or_refuses(path: Path) -> None:
    """load_feed gives a feed (whose timetable can be built) or a FeedError, nothing else."""
    try:
        feed = load_feed(path)
    except FeedError as error:
        assert "\n" not in str(error)
        return
    feed.timetable(DAY)


FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(data=st.data())
def test_byte_mutations_of_the_files_end_in_a_feed_or_a_feed_error(
    good_files: dict[str, bytes], tmp_path: Path, data: st.DataObject
) -> None:
    files = data.draw(mutations(good_files))
    path = write_zip(tmp_path / "feed.zip", [deflated(n, c) for n, c in files.items()])
    loads_or_refuses(path)


@FUZZ
@given(data=st.data())
def test_damage_to_the_zip_ends_in_a_feed_or_a_feed_error(
    good_files: dict[str, bytes], tmp_path: Path, data: st.DataObject
) -> None:
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in good_files.items():
            method = data.draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
            archive.writestr(name, content, compress_type=method)
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    path.write_bytes(bytes(raw))
    loads_or_refuses(path)
