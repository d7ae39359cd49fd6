"""The release path, read: the changelog names the version, CI builds what the release uploads,
and the release workflow publishes with PyPI trusted publishing on a version tag."""

from __future__ import annotations

from ruamel.yaml import YAML

from tests.helpers.repo import ROOT
from tests.test_readme_user import PYPROJECT

WORKFLOWS = ROOT / ".github" / "workflows"


def test_the_changelog_has_the_packages_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"\n## {PYPROJECT['version']} " in changelog
    assert "CHANGELOG.md" in (ROOT / "README.md").read_text()


def test_ci_runs_the_build_check_the_release_uses():
    makefile = (ROOT / "Makefile").read_text()
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(MAKE) dist" in test_target
    assert "-m scripts.check_dist" in makefile.split("\ndist:", 1)[1].split("\n\n", 1)[0]
    assert {"build", "twine"} <= {
        d.split(">")[0] for d in PYPROJECT["optional-dependencies"]["dev"]
    }


def test_the_release_workflow_publishes_a_version_tag_with_trusted_publishing():
    workflow = YAML(typ="safe").load((WORKFLOWS / "release.yml").read_text())
    assert workflow["on"]["push"]["tags"] == ["v*"]
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert any(step.get("run") == "make dist" for step in build["steps"])
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert "password" not in str(publish)  # no stored token
    assert workflow["permissions"] == {"contents": "read"}
