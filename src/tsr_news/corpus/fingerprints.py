"""What was read of a corpus file, so that a later run can tell, mostly without reading it
again, whether the file is still the same.

A fingerprint is taken as the file is read (`read`): the sha256 of the bytes read, and the
file's stat identity (size, modification and change times, inode), taken before reading, so
that a change during the read shows as a later change time. A file is still the same
(`unchanged`) when its stat identity is the one recorded, which costs a `stat`, or, failing
that (touched, checked out again, copied), when its bytes still have the recorded sha256. The
change time cannot be set back by a program (unlike the modification time), so an edit
always shows in the identity. One race remains, and is closed as git closes it: a file
changed within the clock's granularity of being read could keep its identity through a
second change, so an identity younger than `RACY_SECONDS` at the read is not recorded, and
that file is hashed next time.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import NamedTuple

from tsr_news.common.files import open_regular, read_regular

RACY_SECONDS = 2


class Fingerprint(NamedTuple):
    name: str  # relative to the corpus root, POSIX separators
    sha256: str
    identity: tuple[int, int, int, int] | None  # (size, mtime_ns, ctime_ns, inode); None: racy


def read(root: str, name: str) -> tuple[bytes, Fingerprint]:
    """The bytes of the file `name` under `root`, and their fingerprint."""
    with os.fdopen(open_regular(os.path.join(root, name)), "rb") as file:
        stat = os.fstat(file.fileno())
        data = file.read()
    return data, Fingerprint(name, hashlib.sha256(data).hexdigest(), _identity(stat))


def unchanged(root: str, fingerprint: Fingerprint) -> bool:
    """Whether the file still is what `fingerprint` recorded (a missing file is not)."""
    path = os.path.join(root, fingerprint.name)
    try:
        if fingerprint.identity is not None and _identity(os.stat(path)) == fingerprint.identity:
            return True
        return hashlib.sha256(read_regular(path)).hexdigest() == fingerprint.sha256
    except OSError:
        return False


def _identity(stat: os.stat_result) -> tuple[int, int, int, int] | None:
    if time.time_ns() - stat.st_ctime_ns < RACY_SECONDS * 1_000_000_000:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
