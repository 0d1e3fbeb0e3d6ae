"""The core stays light: importing neuronet loads NumPy only, and a missing extra says what to install.

Each check runs in a fresh interpreter, so modules imported by other tests cannot hide a heavy import.
"""
import json
import subprocess
import sys
import textwrap

import pytest

from neuronet._extras import require

HEAVY = ["sklearn", "scipy", "dask", "distributed", "dask_ml", "onnx", "onnxruntime", "matplotlib",
         "pandas", "torch", "tqdm"]

# Modules whose whole purpose is one optional dependency; every other module must stay light.
INTEGRATIONS = ("neuronet.sklearn", "neuronet._sklearn_", "neuronet.dask", "neuronet.onnx",
                "neuronet.plotting")


def _run(code):
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _loaded_after(statements):
    return _run(f"""
        import json, sys
        {statements}
        heavy = {HEAVY!r}
        print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))))
    """)


def test_import_neuronet_loads_no_optional_dependency():
    assert _loaded_after("import neuronet") == []


def test_command_line_start_up_loads_no_optional_dependency():
    # building the parser imports every subcommand module (cmd_*.py)
    assert _loaded_after("import contextlib, io, neuronet.cli\n"
                         "        with contextlib.redirect_stdout(io.StringIO()), "
                         "contextlib.suppress(SystemExit):\n"
                         "            neuronet.cli.main(['--help'])") == []


def test_every_core_module_is_light():
    found = _run(f"""
        import importlib, json, pkgutil, sys
        import neuronet
        heavy = set({HEAVY!r})
        bad = {{}}
        for info in pkgutil.walk_packages(neuronet.__path__, "neuronet."):
            name = info.name
            if name.endswith("__main__") or name.startswith({INTEGRATIONS!r}):
                continue
            importlib.import_module(name)
            loaded = sorted({{m.split(".")[0] for m in sys.modules}} & heavy)
            if loaded:
                bad[name] = loaded
                break
        print(json.dumps(bad))
    """)
    assert found == {}


@pytest.mark.parametrize("module, blocked, extra", [
    ("neuronet.sklearn", "sklearn", "sklearn"),
    ("neuronet.dask", "dask", "dask"),
])
def test_missing_extra_names_the_pip_install(module, blocked, extra):
    result = _run(f"""
        import json, sys
        for name in list(sys.modules):
            if name == {blocked!r} or name.startswith({blocked!r} + "."):
                del sys.modules[name]
        sys.modules[{blocked!r}] = None          # what Python does for a package that is absent
        try:
            import {module}
        except ImportError as err:
            print(json.dumps([type(err).__name__, str(err)]))
        else:
            print(json.dumps(None))
    """)
    assert result is not None, f"{module} imported without {blocked}"
    kind, message = result
    assert kind == "ImportError" and f"pip install neuronet[{extra}]" in message
    assert blocked in message


def test_require_returns_the_module_or_names_the_extra(monkeypatch):
    import numpy.linalg
    assert require("numpy.linalg", "core") is numpy.linalg
    monkeypatch.setitem(sys.modules, "neuronet_absent_dependency", None)
    with pytest.raises(ImportError, match=r"pip install neuronet\[someextra\]") as info:
        require("neuronet_absent_dependency.sub", "someextra")
    assert isinstance(info.value.__cause__, ImportError)
