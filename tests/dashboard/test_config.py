"""The dashboard's security settings and the dependency pins (issue 9, "Configuration").

.streamlit/config.toml is read when Streamlit starts in the repository root; `bounceback dashboard`
(dashboard/launch.py) passes the same options on the command line; the upload widget sets its own
limit. All three must say the same, and say it safely.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from dashboard import data, launch
from pipelines.load.guard import MAX_UPLOAD_MB
from pipelines.store.db import connect

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"
APP = ROOT / "dashboard" / "streamlit_app.py"

# Lowest versions without a published advisory (the reason, for the next person to bump them).
MINIMUM_VERSIONS = {
    "streamlit": "1.54",  # issue 9: earlier releases have published advisories
    "duckdb": "1.4.2",  # CVE-2025-64429 (encryption, 1.4.0-1.4.1)
    "pyarrow": "14.0.1",  # CVE-2023-47248 (deserialisation of untrusted IPC data)
    "Authlib": "1.7.2",  # CVE-2025-59420, CVE-2025-61920/62706, CVE-2026-27962, CVE-2026-41425/44681
    "defusedxml": "0.7",  # openpyxl reads XML through it when it is installed
    "pytest": "9.0.3",  # CVE-2025-71176 (predictable /tmp/pytest-of-{user})
}


def _config() -> dict:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def _requirements() -> dict[str, Requirement]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    lines = project["dependencies"] + [line for group in project["optional-dependencies"].values() for line in group]
    return {Requirement(line).name.lower(): Requirement(line) for line in lines}


def _lower_bound(requirement: Requirement) -> Version | None:
    bounds = [Version(spec.version) for spec in requirement.specifier if spec.operator in (">=", "==", "~=", ">")]
    return max(bounds) if bounds else None


def test_config_toml_is_locked_down() -> None:
    server = _config()["server"]
    assert server["enableXsrfProtection"] is True
    # CORS off would answer every origin with `Access-Control-Allow-Origin: *`
    assert server.get("enableCORS", True) is True
    assert not any("*" in origin for origin in server.get("corsAllowedOrigins", []))
    assert server["maxUploadSize"] == MAX_UPLOAD_MB
    assert _config()["browser"]["gatherUsageStats"] is False


def test_every_option_in_config_toml_is_one_streamlit_knows() -> None:
    # a misspelt key (enableXSRFProtection) would be ignored silently, and the default used
    known = streamlit_config.get_config_options()
    for section, options in _config().items():
        for name in options:
            assert f"{section}.{name}" in known, f"config.toml: [{section}] {name} is not a Streamlit option"


def test_launch_passes_the_same_security_options() -> None:
    argv = launch.command(8501)
    options = {argv[i]: argv[i + 1] for i in range(5, len(argv) - 1, 2)}
    assert options["--server.enableXsrfProtection"] == "true"
    assert options["--server.enableCORS"] == "true"
    assert options["--server.maxUploadSize"] == str(MAX_UPLOAD_MB) == str(_config()["server"]["maxUploadSize"])
    assert options["--browser.gatherUsageStats"] == "false"
    assert not any("corsAllowedOrigins" in option for option in options)
    for option, value in options.items():
        section, name = option.removeprefix("--").split(".")
        assert f"{section}.{name}" in streamlit_config.get_config_options()
        if name in _config().get(section, {}) and name != "port":
            assert str(_config()[section][name]).lower() == value, option


def test_the_upload_widget_has_the_same_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.file_uploader[0].proto.max_upload_size_mb == MAX_UPLOAD_MB == data.MAX_UPLOAD_MB


def test_dependencies_have_lower_bounds_without_known_advisories() -> None:
    requirements = _requirements()
    for name, requirement in requirements.items():
        assert _lower_bound(requirement) is not None, f"{name} has no lower bound"
    for name, minimum in MINIMUM_VERSIONS.items():
        bound = _lower_bound(requirements[name.lower()])
        assert bound is not None and bound >= Version(minimum), f"{name}: {requirements[name.lower()]} < {minimum}"


def test_the_installed_versions_meet_the_pins() -> None:
    for name, requirement in _requirements().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            if name == "playwright":  # the browser test's own install (make browser)
                continue
            raise
        assert requirement.specifier.contains(installed, prereleases=True), f"{name} {installed}: {requirement}"


def test_openpyxl_reads_xml_through_defusedxml() -> None:
    # openpyxl switches to defusedxml by itself when it can import it (openpyxl/xml/__init__.py)
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
