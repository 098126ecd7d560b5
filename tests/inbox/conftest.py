import pytest

from tests.staff_city import sign_in, town  # noqa: F401  (fixtures)

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name):
    """Debian's Chromium, never a downloaded browser."""
    if browser_name in (None, "chromium"):
        return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_FLAGS}
    return browser_type_launch_args
