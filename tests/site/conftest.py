import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from sitebuild import build_fixture_site


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture notes built with `mkdocs build --strict` (online)."""
    return build_fixture_site(tmp_path_factory.mktemp("site"))
