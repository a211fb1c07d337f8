import numpy as np
import pytest

from moviepick import atomic


def test_write_npz_replaces_the_file(tmp_path):
    path = tmp_path / "deep" / "a.npz"
    atomic.write_npz(path, x=np.arange(3))
    atomic.write_npz(path, x=np.arange(5))
    with np.load(path, allow_pickle=False) as saved:
        assert saved["x"].tolist() == [0, 1, 2, 3, 4]
    assert [p.name for p in path.parent.iterdir()] == ["a.npz"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "a.npz"
    atomic.write_npz(path, x=np.arange(3))

    def broken_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_npz(path, x=np.arange(5))
    monkeypatch.undo()
    with np.load(path, allow_pickle=False) as saved:
        assert saved["x"].tolist() == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]


def test_replace_dir_swaps_only_on_success(tmp_path):
    target = tmp_path / "model"
    with atomic.replace_dir(target) as staging:
        (staging / "v").write_text("1")
    with pytest.raises(RuntimeError), atomic.replace_dir(target) as staging:
        (staging / "v").write_text("2")
        raise RuntimeError("interrupted")
    assert (target / "v").read_text() == "1"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]
