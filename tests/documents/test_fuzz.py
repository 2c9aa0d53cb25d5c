"""Random and truncated inputs: an IngestError or a parsed document — nothing else, never a hang."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhida.documents.model import ParsedDocument
from zhida.documents.pipeline import parse_file, parse_text
from zhida.errors import IngestError

from .fixtures.files import make_docx, make_pdf, seed_text, time_limit

SUFFIXES = [".txt", ".md", ".html", ".docx", ".pdf"]


def outcome(path) -> str:
    with time_limit(20):
        try:
            result = parse_file(path)
        except IngestError as error:
            assert str(error).startswith(path.name + ": ")
            return "error"
    assert isinstance(result, ParsedDocument)
    for clause in result.walk():
        assert 0 <= clause.start <= clause.end <= len(result.original)
    return "parsed"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=0, max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    outcome(path)


@settings(max_examples=80, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(list("一二三、（）()1.．。，：\n \u3000第章条年月日号〔〕抄送公报#*>") + ["北京", "措施", "\n\n", "附件："]),
        max_size=200,
    ).map("".join)
)
def test_random_policy_like_text(text):
    with time_limit(20):
        try:
            doc = parse_text(text, name="fuzz.txt")
        except IngestError:
            return
    ids = [c.id for c in doc.walk()]
    assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def real_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real")
    body = [line for line in seed_text("000").splitlines() if line.strip()][:30]
    docx_bytes = make_docx(folder / "seed.docx", body, table=[["a", "b"], ["c", "d"]]).read_bytes()
    pdf_bytes = make_pdf(folder / "seed.pdf", [[line[:40] for line in body[i : i + 20]] for i in range(0, 30, 20)]).read_bytes()
    return {".docx": docx_bytes, ".pdf": pdf_bytes}


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_truncated_and_damaged_files(tmp_path, real_files, suffix):
    whole = real_files[suffix]
    rng = random.Random(20220601)
    outcomes = set()
    cuts = sorted({rng.randrange(1, len(whole)) for _ in range(15)} | {len(whole) // 2, len(whole) - 10})
    for n, cut in enumerate(cuts):
        path = tmp_path / f"cut{n}{suffix}"
        path.write_bytes(whole[:cut])
        outcomes.add(outcome(path))
    for n in range(10):  # flipped bytes in the middle
        damaged = bytearray(whole)
        for _ in range(20):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = tmp_path / f"flip{n}{suffix}"
        path.write_bytes(bytes(damaged))
        outcomes.add(outcome(path))
    assert "error" in outcomes  # damage is reported, not silently parsed as nothing
    path = tmp_path / f"whole{suffix}"
    path.write_bytes(whole)
    assert outcome(path) == "parsed"
