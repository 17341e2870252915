"""The set-up files agree: requirements.txt is the lock, environment.yml and
pyproject.toml follow it, the Makefile and CI use the README's commands."""

from __future__ import annotations

import platform
import re
import tomllib

import pytest
import yaml
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.version import Version


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"not an exact pin: {line}"
        out[req.name.lower().replace("_", "-")] = specs[0].version
    return out


def test_requirements_pin_everything_exactly_and_torch_cpu_build():
    p = pins()
    assert p["torch"] == "2.13.0"
    for name in [
        "jupyterlab",
        "ipywidgets",
        "matplotlib",
        "nbval",
        "pytest",
        "pytest-xdist",
        "scikit-learn",
        "tqdm",
        "numpy",
        "ipykernel",
        "ruff",
        "names",
        "playwright",
    ]:
        assert name in p, f"{name} is not pinned in requirements.txt"


def test_installed_versions_match_the_lock():
    from importlib.metadata import version

    for name in ["torch", "numpy", "matplotlib", "ipywidgets", "nbval", "jupyterlab"]:
        assert Version(version(name)).base_version == Version(pins()[name]).base_version, name


def test_environment_yml_parses_and_installs_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps and "pip" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert "-r requirements.txt" in pip_section, "environment.yml must install requirements.txt"
    assert "-e ." in pip_section, "environment.yml must install the helpers package"
    conda_pkgs = [d for d in deps if isinstance(d, str)]
    assert all(re.match(r"^(python=3\.11|pip)$", d) for d in conda_pkgs), (
        f"only python and pip come from conda, got {conda_pkgs}: anything else could drift "
        "from requirements.txt"
    )


def test_pyproject_declares_helpers_with_loose_bounds_the_lock_satisfies():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    p = pins()
    assert meta["project"]["requires-python"] == ">=3.11"
    for dep in meta["project"]["dependencies"]:
        req = Requirement(dep)
        assert all(s.operator == ">=" for s in req.specifier), f"{dep}: use a lower bound"
        assert req.specifier.contains(p[req.name.lower()]), f"the lock does not satisfy {dep}"


def test_ci_and_readme_use_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme


# -- the portability pass: tests/emulate-cpu really changes what the kernels run --------
EMULATE = ROOT / "tests" / "emulate-cpu"
# ATen's kernel family, the thread count, numpy's SIMD targets in use ('-': the baseline)
PROBE = (
    "import torch\n"
    "from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__\n"
    "used = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]\n"
    "print(torch.backends.cpu.get_cpu_capability(), torch.get_num_threads(),"
    " ','.join(used) or '-')\n"
)


def _probe(isa: str, threads: str) -> list[str]:
    import subprocess
    import sys

    out = subprocess.run(
        [str(EMULATE), isa, threads, sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86 ISA caps only")
def test_emulate_cpu_caps_torch_and_numpy_and_sets_the_threads():
    baseline, avx2 = _probe("baseline", "2"), _probe("avx2", "1")
    assert baseline[:2] == ["DEFAULT", "2"], baseline
    assert baseline[2] == "-", f"numpy still dispatches to {baseline[2]} under the baseline cap"
    native = _probe("native", "1")
    assert avx2[1] == native[1] == "1"
    if native[0] in ("AVX2", "AVX512"):
        assert avx2[0] == "AVX2", avx2
        assert "AVX512" not in avx2[2] and "X86_V4" not in avx2[2], avx2


@pytest.mark.parametrize("args", [["sse9", "1", "true"], ["native", "0", "true"], ["native"]])
def test_emulate_cpu_rejects_bad_arguments(args):
    import subprocess

    out = subprocess.run([str(EMULATE), *args], capture_output=True, text=True)
    assert out.returncode == 2 and ("must be" in out.stderr or "usage" in out.stderr)


def test_make_test_runs_the_portability_pass():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest: ")[1].split("\n\n")[0]
    assert "test-portable-baseline" in recipe
    assert "emulate-cpu $(1)" in makefile and "$(call NBVAL_AS,baseline 2)" in makefile
