"""One ZHIDA_POLICIES_DIR for measures, facts, concepts and sources, with the reference policies
as fallback for the parts a directory does not have."""

from __future__ import annotations

import shutil

from zhida import config
from zhida.enterprises import facts as enterprise_facts


def test_reference_policies_from_a_checkout(monkeypatch):
    monkeypatch.delenv("ZHIDA_POLICIES_DIR", raising=False)
    assert config.policies_dir() == config.PROJECT_ROOT / "policies"
    assert config.sources_dir() == config.PROJECT_ROOT / "policies" / "sources"


def test_policies_dir_is_honoured_for_every_part(monkeypatch, tmp_path):
    for part in ("measures", "facts", "concepts", "sources"):
        (tmp_path / part).mkdir()
    monkeypatch.setenv("ZHIDA_POLICIES_DIR", str(tmp_path))
    assert config.policies_dir() == tmp_path
    assert config.sources_dir() == tmp_path / "sources"
    assert all(config.policies_subdir(p) == tmp_path / p for p in ("measures", "facts", "concepts"))


def test_missing_parts_fall_back_to_the_reference_policies(monkeypatch, tmp_path):
    (tmp_path / "measures").mkdir()
    monkeypatch.setenv("ZHIDA_POLICIES_DIR", str(tmp_path))
    assert config.policies_subdir("measures") == tmp_path / "measures"
    assert config.policies_subdir("facts") == config.POLICIES_DIR / "facts"
    assert config.sources_dir() == config.POLICIES_DIR / "sources"


def test_enterprise_fact_catalogue_reads_the_configured_facts(monkeypatch, tmp_path):
    shutil.copytree(config.POLICIES_DIR / "facts", tmp_path / "facts")
    (tmp_path / "facts" / "seeds_bj_xz.yaml").unlink()
    monkeypatch.setenv("ZHIDA_POLICIES_DIR", str(tmp_path))
    enterprise_facts.catalogue.cache_clear()
    try:
        narrowed = enterprise_facts.catalogue()
    finally:
        enterprise_facts.catalogue.cache_clear()
    origins = set(narrowed.origin.values())
    assert origins and all(str(o).startswith(str(tmp_path)) for o in origins)
