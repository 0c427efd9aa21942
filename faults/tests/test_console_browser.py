"""The web console in a real browser: Debian's chromium, headless, driven by Playwright.

A three-node meta cluster (the built binaries, a development license, `[enterprise]
registration-enabled = true`, stats every second) registers with a real influx-console; the
cluster page shows three meta nodes and the leader; after a SIGKILL of the leader the same page
(no reload) shows the new leader within 5 s; a database created from the page (form, then the
confirm step) is in the cluster's metadata. With auth on, the operator logs in with the
cluster's admin user before an action. One screenshot per state goes to `$CONSOLE_ARTIFACTS`
(default `.build/artifacts/console/`); `CONSOLE_DOCS_IMAGES=1` also refreshes
`docs/images/console-*.png`.

Run: ``INFLUXD_BIN_DIR=$(swift build --show-bin-path) python3 -m pytest -q faults/tests/test_console_browser.py``
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from faults.console import (  # noqa: E402
    REPO, Console, RegisteredCluster, artifacts_dir, bin_dir, browser_missing, chromium, wait_until,
)

pytestmark = [
    pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or ""),
    pytest.mark.skipif(not (bin_dir() / "influx-console").exists(),
                       reason=f"no influx-console in {bin_dir()} (set INFLUXD_BIN_DIR)"),
]

LEADER_SHOWN_WITHIN = 5.0  # seconds from the leader's SIGKILL to the page showing the new one
TIMEOUT_MS = 30_000  # registration and the first poll


def screenshot(page, name: str) -> Path:
    """Saves the page as `console-<name>.png` among the artifacts (and in docs/images when asked)."""
    path = artifacts_dir() / f"console-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("CONSOLE_DOCS_IMAGES") == "1":
        (REPO / "docs" / "images").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, REPO / "docs" / "images" / path.name)
    return path


def open_cluster(page, console: Console) -> None:
    """Goes to the console's `/`, waits for the one registered cluster and follows its link."""
    from playwright.sync_api import expect

    def listed() -> bool:
        page.goto(console.url + "/")
        return page.get_by_test_id("cluster-link").count() == 1

    wait_until("the cluster on the console's / page", listed, TIMEOUT_MS / 1000, 0.5)
    page.get_by_test_id("cluster-link").click()
    expect(page).to_have_url(re.compile(r"/clusters/[^/]+$"))


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    c = Console(tmp_path_factory.mktemp("console"))
    c.start()
    yield c
    c.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, console):
    c = RegisteredCluster(tmp_path_factory.mktemp("registered"), console.url)
    c.start()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def page(browser, console, cluster):
    """One page for the whole module: the leader-kill test checks that it is never reloaded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(TIMEOUT_MS)
    yield p
    context.close()


def test_chromium_renders_a_page(browser):
    """The harness: Debian's chromium starts under Playwright and renders and screenshots HTML."""
    from playwright.sync_api import expect

    p = browser.new_page()
    try:
        p.set_content('<main><p data-testid="greeting">rendered</p></main>')
        expect(p.get_by_test_id("greeting")).to_have_text("rendered")
        assert p.screenshot()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        p.close()


def test_registered_cluster_shows_meta_nodes_and_leader(page, console, cluster):
    from playwright.sync_api import expect

    leader = cluster.wait_for_leader()
    open_cluster(page, console)
    rows = page.get_by_test_id("meta-node")
    expect(rows).to_have_count(3)
    for node in cluster.nodes:
        expect(rows.filter(has_text=node.http)).to_have_count(1)
    expect(page.get_by_test_id("leader")).to_contain_text(leader.http)
    marked = page.locator('[data-testid="meta-node"][data-leader="true"]')
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text(leader.http)
    expect(page.get_by_test_id("live")).to_have_text(re.compile(r"^\s*live\s*$"))
    screenshot(page, "registered")
    cluster_page = page.url
    page.goto(console.url + "/")
    expect(page.get_by_test_id("cluster-link")).to_have_count(1)
    screenshot(page, "clusters")
    page.goto(cluster_page)
    expect(page.get_by_test_id("live")).to_have_text(re.compile(r"^\s*live\s*$"))


def test_leader_kill_shows_new_leader_without_reload(page, console, cluster):
    from playwright.sync_api import expect

    old = cluster.wait_for_leader()
    expect(page.get_by_test_id("leader")).to_contain_text(old.http)
    expect(page.get_by_test_id("live")).to_have_text(re.compile(r"^\s*live\s*$"))
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
    page.evaluate("window.__consoleMarker = 'set before the kill'")
    survivors = [n for n in cluster.nodes if n is not old]
    either = re.compile("|".join(re.escape(n.http) for n in survivors))

    killed_at = time.monotonic()
    old.kill()
    expect(page.get_by_test_id("leader")).to_contain_text(either, timeout=LEADER_SHOWN_WITHIN * 1000)
    shown_after = time.monotonic() - killed_at

    assert shown_after < LEADER_SHOWN_WITHIN, f"new leader shown {shown_after:.2f}s after the kill"
    assert page.evaluate("window.__consoleMarker") == "set before the kill", "the page was reloaded"
    assert navigations == [], f"the page navigated: {navigations}"
    new = cluster.wait_for_leader(other_than=old)
    expect(page.get_by_test_id("leader")).to_contain_text(new.http)
    marked = page.locator('[data-testid="meta-node"][data-leader="true"]')
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text(new.http)
    print(f"new leader {new.http} shown {shown_after:.2f}s after SIGKILL of {old.http}")
    screenshot(page, "new-leader")


def test_create_database_from_the_page(page, console, cluster):
    from playwright.sync_api import expect

    name = "console_created"
    assert name not in cluster.databases()
    cluster_page = page.url.split("?")[0]
    create_database(page, name)
    wait_until(f"database {name} in the cluster's metadata", lambda: name in cluster.databases(), 15)
    # the action answers with the cluster page and its outcome; the live panel then lists the database
    expect(page.get_by_test_id("outcome")).to_be_visible()
    expect(page.get_by_test_id("databases")).to_contain_text(name, timeout=15_000)
    screenshot(page, "database-created")
    page.goto(cluster_page)
    expect(page.get_by_test_id("databases")).to_contain_text(name)


ADMIN = ("admin", "console admin pw")


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    """A console that polls with the cluster's admin credentials, and an auth-enabled cluster."""
    console = Console(tmp_path_factory.mktemp("console-auth"),
                      flags=["-cluster-user", ADMIN[0], "-cluster-password", ADMIN[1]])
    console.start()
    cluster = RegisteredCluster(tmp_path_factory.mktemp("registered-auth"), console.url, auth=ADMIN)
    try:
        cluster.start()
        yield console, cluster
    finally:
        cluster.stop()
        console.kill()


def create_database(page, name: str) -> None:
    """Fills the cluster page's create-database form, submits it, and confirms."""
    form = page.get_by_test_id("create-database")
    form.locator('input[name="name"]').fill(name)
    form.locator('[type="submit"]').click()
    page.get_by_test_id("confirm").click()


def log_in(page, user: str, password: str) -> None:
    login = page.get_by_test_id("login")
    login.locator('input[name="username"]').fill(user)
    login.locator('input[name="password"]').fill(password)
    login.locator('[type="submit"]').click()


def test_login_with_the_cluster_admin_then_create_a_database(browser, secured):
    """With auth on, an action without a login asks for one and changes nothing; a wrong password
    is refused; after the admin's login the database created from the page is in the metadata."""
    from playwright.sync_api import expect

    console, cluster = secured
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        open_cluster(page, console)
        expect(page.get_by_test_id("meta-node")).to_have_count(3)
        cluster_page = page.url.split("?")[0]
        name = "created_after_login"

        create_database(page, name)  # no login yet: the cluster answers 401, the console asks for one
        expect(page.get_by_test_id("login")).to_be_visible()
        assert name not in cluster.databases()
        log_in(page, ADMIN[0], "not the password")
        expect(page.get_by_test_id("login-error")).to_be_visible()
        expect(page.get_by_test_id("login")).to_be_visible()
        screenshot(page, "login")

        log_in(page, ADMIN[0], ADMIN[1])
        if page.url.split("?")[0] != cluster_page:
            page.goto(cluster_page)
        expect(page.locator(".account")).to_contain_text(f"Logged in to this cluster as {ADMIN[0]}")
        create_database(page, name)
        wait_until(f"database {name} in the secured cluster's metadata", lambda: name in cluster.databases(), 15)
        if page.url.split("?")[0] != cluster_page:
            page.goto(cluster_page)
        expect(page.get_by_test_id("databases")).to_contain_text(name, timeout=15_000)
    finally:
        context.close()
