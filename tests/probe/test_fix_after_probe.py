"""``--fix --probe``: image-size fixes are computed before probing, written after it.

Threat model: the seed may change while a slow image host answers (the author
keeps editing, another tool rewrites it). The fix was computed as character
positions in the text that was linted, so it is written only if the file still
holds exactly that text, checked again right before the atomic rename;
otherwise the file is left alone and S016 says so. Nothing is ever lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from seedlint.cli import main

from .servers import Exchange, LocalServer, file
from .test_end_to_end import IMAGES, _check, project, site  # noqa: F401 - fixtures

JPEG = (IMAGES / "hopper_gray.jpg").read_bytes()


def test_a_seed_edited_during_the_probe_is_not_fixed(
    project: Path,  # noqa: F811 - the fixture
    site: LocalServer,  # noqa: F811 - the fixture
    ca_bundle: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    planted = project / "seeds" / "planted.txt"
    edited = planted.read_text().replace("title: ", "title: Edited ", 1)
    serve = file(JPEG, "image/jpeg")

    def edit_then_serve(ex: Exchange) -> None:
        planted.write_text(edited)  # saved in an editor while the image is fetched
        serve(ex)

    site.route("/img/jpeg", edit_then_serve)
    main(_check(project, ca_bundle, "--allow-private", "--fix"))
    assert planted.read_text() == edited
    out = capsys.readouterr().out
    assert "seeds/planted.txt:1:1: S016 warning: changed while seedlint ran; not fixed" in out
    assert "seeds/planted.txt:21:10: I001" in out  # still reported, not fixed
