"""The core never imports a front end, and start-up imports stay light."""

import json
import subprocess
import sys

import pytest

CORE_MODULES = [
    "moviepick.data.loader",
    "moviepick.data.download",
    "moviepick.data.resolve",
    "moviepick.data.summary",
    "moviepick.models.als",
    "moviepick.models.popularity",
    "moviepick.models.neumf",
    "moviepick.models.genre_embedding",
    "moviepick.evaluation.rating",
    "moviepick.services.datasets",
    "moviepick.services.saved_models",
    "moviepick.services.picks",
    "moviepick.services.search",
    "moviepick.fitting.fit",
    "moviepick.evaluation.evaluate",
    "moviepick.store",
    "moviepick.profile",
]


def imported_after(module: str) -> set[str]:
    script = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in json.loads(result.stdout)}


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_imports_no_front_end_and_no_torch(module):
    loaded = imported_after(module)
    assert not loaded & {"textual", "rich", "torch"}, (
        f"{module} imports {loaded & {'textual', 'rich', 'torch'}}"
    )


def test_the_app_module_paints_before_heavy_libraries_load():
    loaded = imported_after("moviepick.tui.app")
    assert not loaded & {"torch", "pandas", "pyarrow"}
