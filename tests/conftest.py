from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mirror_factory import write_mirror

REPO = Path(__file__).resolve().parent.parent

# Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls stay
# synchronous and safe. Browser journeys drive Debian's Chromium (Playwright cannot download
# its own browser here): /usr/bin/chromium or CHROMIUM_PATH.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def mini_mirror(tmp_path: Path) -> Path:
    return write_mirror(tmp_path / "mirror")


@pytest.fixture
def geography(db, mini_mirror: Path):
    """Occitanie's four test communes, imported through the real importer."""
    from maillage.territories.importers import import_territories
    from maillage.territories.selectors import boundary_index_clear

    summary = import_territories("76", mirror=str(mini_mirror))
    boundary_index_clear()
    yield summary
    boundary_index_clear()


@pytest.fixture
def real_mirror() -> Path:
    """The shared open-data mirror, for the few integration tests that read it."""
    path = Path(os.environ.get("MAILLAGE_DATA_MIRROR") or REPO.parent / "shared" / "data")
    if not (path / "territories").is_dir():
        pytest.skip(f"open-data mirror not found at {path} (set MAILLAGE_DATA_MIRROR)")
    return path


@pytest.fixture
def make_user(db):
    from allauth.account.models import EmailAddress

    from maillage.accounts.models import User

    def make(email: str = "person@example.org", password: str = "correct-horse-battery",
             verified: bool = True, **extra: object) -> User:
        user = User.objects.create_user(email=email, password=password, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def grant(db):
    from maillage.accounts.models import RoleAssignment

    def give(user, role: str, level: str, code: str = "") -> RoleAssignment:
        return RoleAssignment.objects.create(
            user=user, role=role, territory_level=level, territory_code=code
        )

    return give


@pytest.fixture
def with_totp(db):
    """Give a user a TOTP authenticator, as professional roles must have."""
    from allauth.mfa.models import Authenticator

    def add(user):
        return Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "test"}
        )

    return add


CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
