"""write_atomic: never clobbers unasked, keeps modes sane, leaves nothing half-written."""

from __future__ import annotations

import os
import stat

import pytest

from tokencost.errors import InputError
from tokencost.fileio import write_atomic


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_file_follows_the_umask_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.txt") == 0o644
    assert (tmp_path / "a.txt").read_text() == "x"


def test_force_keeps_the_existing_files_mode(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new", force=True)
    assert target.read_text() == "new" and mode(target) == 0o640


def test_refuses_existing_file_and_dangling_symlink_without_force(tmp_path):
    (tmp_path / "a.txt").write_text("mine")
    with pytest.raises(InputError, match="already exists"):
        write_atomic(tmp_path / "a.txt", "x")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError, match="already exists"):
        write_atomic(tmp_path / "link", "x")
    assert (tmp_path / "a.txt").read_text() == "mine"


def test_a_directory_is_never_replaced_even_with_force(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        write_atomic(tmp_path / "d", "x", force=True)
    assert (tmp_path / "d").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["d"]  # no temporary file left behind


def test_missing_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="directory does not exist"):
        write_atomic(tmp_path / "no" / "a.txt", "x")
