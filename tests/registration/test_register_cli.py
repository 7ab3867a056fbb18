"""scripts/register.py: a usage error is one named message and exit status 2."""

import importlib.util

import pytest

from tests.registration.conftest import ROOT


def load_script():
    spec = importlib.util.spec_from_file_location("register_script", ROOT / "scripts" / "register.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_missing_checkpoint_exits_with_status_2_and_names_it(tmp_path, capsys):
    script = load_script()
    with pytest.raises(SystemExit) as exit_info:
        script.register("moving.nii.gz", "fixed.nii.gz", str(tmp_path), ckpt=str(tmp_path / "none.pt"))
    assert exit_info.value.code == 2
    assert "none.pt" in capsys.readouterr().err
