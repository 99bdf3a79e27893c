"""A throwaway MediaWiki for the tests and benchmarks: installed once, copied for each test.

    template = build_template(root)      # php maintenance/install.php (sqlite, fr), about 2 s
    wiki = Wiki.fresh(template)          # copy the sqlite data, serve it with php -S, < 1 s
    wiki.seed({"Lieu 1": "…"}); wiki.edit_as_human("Lieu 1", "…"); wiki.destroy()
    wiki = Wiki.fresh(template, extensions=("TemplateData",))   # with bundled extensions

Extensions: Debian's package bundles some (TemplateData, ParserFunctions, Cite…) in
/usr/share/mediawiki/extensions-core; none is loaded unless asked, with `extensions=` or
`wiki.enable_extension(name)` (a wfLoadExtension line appended to that wiki's settings, read by
the next request). A wiki with extensions keeps its localisation cache apart (one per set of
extensions, under the template's root), since the messages differ.

Debian's /usr/share/mediawiki is used read-only: its top-level PHP entry points are copied into a
code folder (PHP resolves __DIR__ through symlinks, so they must be ours), its big folders
(includes, languages, vendor, …) are symlinked, and its own symlinks into /etc/mediawiki and
/var/lib/mediawiki (LocalSettings.php, config, images, extensions) are left out. Each wiki has a
folder with its LocalSettings.php (found through MW_CONFIG_FILE), data/ (sqlite), access.log
(php -S logs every request there), readonly.txt (present: $wgReadOnly is its text) and
noedit.txt (present: no account has the edit right).
Scratch space is under /dev/shm when it is writable: sqlite's fsyncs cost nothing there.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import requests

MEDIAWIKI = Path(os.environ.get("MOVITEST_MEDIAWIKI", "/usr/share/mediawiki"))
INSTALL_HINT = (
    "php/mediawiki not installed: apt-get install mediawiki php-cli php-sqlite3 "
    "php-mbstring php-xml php-intl"
)
PHP_MODULES = ("pdo_sqlite", "mbstring", "xml", "intl")
ADMIN_USER, ADMIN_PASSWORD = "Admin", "Admin-movitest-2024"
HUMAN_USER, HUMAN_PASSWORD = "Humain", "Humain-movitest-2024"
BOT_NAME, BOT_APP, BOT_MAIN_PASSWORD = "Movibot", "movibot", "Movibot-movitest-2024"
BOT_GRANTS = "basic,highvolume,editpage,createeditmovepage"
HOST = "127.0.0.1"
READY_TIMEOUT = 30.0

TEST_SETTINGS = """
# --- movitest: what the test suite needs ---
$wgMainCacheType = CACHE_NONE;      # every request sees the current state
$wgParserCacheType = CACHE_NONE;
$wgSessionCacheType = CACHE_DB;     # sessions (logins) survive between requests
$wgCacheDirectory = "{cache}";      # the localisation cache, built once, shared
$wgLocalisationCacheConf['store'] = 'array';
$wgEnableUploads = false;
$wgEnableEmail = false;
$wgRateLimits = [];                 # no rate limits, for the bot or anybody
$wgPasswordAttemptThrottle = false; # wrong-password tests may run many times
$wgJobRunRate = 0;                  # no job after a request: steady timings
$wgShowExceptionDetails = true;
$movitestReadOnly = __DIR__ . '/readonly.txt';
if ( is_readable( $movitestReadOnly ) ) {{
	$wgReadOnly = trim( file_get_contents( $movitestReadOnly ) );
}}
if ( is_readable( __DIR__ . '/noedit.txt' ) ) {{   # every account's edit right revoked
	$wgGroupPermissions['*']['edit'] = false;
	$wgGroupPermissions['user']['edit'] = false;
}}
"""

EXTENSION_SETTINGS = """
# --- movitest: extensions ---
$wgCacheDirectory = "{cache}";      # the localisation cache of this set of extensions
{loads}
"""

_running: set[Wiki] = set()


def missing() -> str | None:
    """Why no test wiki can be built here, in one line; None when one can."""
    if shutil.which("php") is None or not (MEDIAWIKI / "api.php").is_file():
        return INSTALL_HINT
    listed = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.lower().split()
    lacking = [m for m in PHP_MODULES if m not in listed]
    return f"{INSTALL_HINT} (php lacks {', '.join(lacking)})" if lacking else None


def extension_path(name: str) -> Path | None:
    """The extension.json of an extension Debian's package bundles, None when it has none."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        return None
    for folder in (MEDIAWIKI / "extensions-core", MEDIAWIKI / "extensions"):
        found = folder / name / "extension.json"
        if found.is_file():
            return found
    return None


def missing_extension(name: str) -> str | None:
    """Why extension `name` cannot be loaded in a test wiki, in one line; None when it can."""
    if extension_path(name) is None:
        return (f"MediaWiki extension {name} not found in {MEDIAWIKI}/extensions-core "
                "(Debian's mediawiki package bundles it)")
    return None


def scratch_dir(prefix: str = "movitest-") -> Path:
    """A new temporary folder, in /dev/shm when possible. The caller removes it."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


@dataclass(frozen=True)
class Template:
    """An installed wiki to copy: code tree, LocalSettings.php text, sqlite data, bot password."""

    root: Path
    code: Path
    settings: str
    data: Path
    bot_password: str


def build_template(root: Path) -> Template:
    """Install MediaWiki (sqlite, French) under `root` with the accounts the tests use:
    Admin (sysop), Movibot (bot) with the BotPassword Movibot@movibot, Humain (user).
    Raises RuntimeError with the script's output when a step fails."""
    code = _code_tree(root / "code")
    conf, cache = root / "template", root / "cache"
    data = conf / "data"
    data.mkdir(parents=True)
    _php(code, None, "maintenance/install.php", "--dbtype=sqlite", f"--dbpath={data}",
         "--lang=fr", f"--server=http://{HOST}", "--scriptpath=", f"--pass={ADMIN_PASSWORD}",
         f"--confpath={conf}", "Movitest", ADMIN_USER)
    settings = conf / "LocalSettings.php"
    settings.write_text(settings.read_text() + TEST_SETTINGS.format(cache=cache))
    for args in (
        ("rebuildLocalisationCache", "--lang=fr,en"),
        ("createAndPromote", "--bot", BOT_NAME, BOT_MAIN_PASSWORD),
        ("createAndPromote", HUMAN_USER, HUMAN_PASSWORD),
    ):
        _php(code, settings, f"maintenance/{args[0]}.php", *args[1:])
    out = _php(code, settings, "maintenance/createBotPassword.php", f"--appid={BOT_APP}",
               f"--grants={BOT_GRANTS}", BOT_NAME)
    found = re.search(r"password:'([^']+)'", out)
    if not found:
        raise RuntimeError(f"createBotPassword.php printed no password:\n{out}")
    return Template(root, code, settings.read_text(), data, found.group(1))


def _code_tree(code: Path) -> Path:
    """A MediaWiki code folder: entry points copied, big folders symlinked, no Debian links."""
    code.mkdir(parents=True)
    for entry in MEDIAWIKI.iterdir():
        if entry.is_symlink():  # LocalSettings.php, config, images, extensions -> /etc, /var/lib
            continue
        if entry.is_dir():
            (code / entry.name).symlink_to(entry)
        else:
            shutil.copy2(entry, code / entry.name)
    for folder in ("extensions", "images", "cache"):
        (code / folder).mkdir(exist_ok=True)
    return code


def _php(code: Path, settings: Path | None, script: str, *args: str) -> str:
    """Run a PHP script of the code tree; return its output. Raises RuntimeError on failure."""
    env = {**os.environ, "MW_INSTALL_PATH": str(code)}
    if settings is not None:
        env["MW_CONFIG_FILE"] = str(settings)
    done = subprocess.run(["php", str(code / script), *args], cwd=code, env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"php {script} {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Wiki:
    """One test wiki served by `php -S` on 127.0.0.1 (see the module docstring)."""

    bot_user = f"{BOT_NAME}@{BOT_APP}"
    admin_user, admin_password = ADMIN_USER, ADMIN_PASSWORD
    human_user, human_password = HUMAN_USER, HUMAN_PASSWORD

    def __init__(self, template: Template, folder: Path,
                 extensions: tuple[str, ...] = ()) -> None:
        self.template, self.dir = template, folder
        self.extensions: tuple[str, ...] = ()
        for name in extensions:
            self._add_extension(name)
        self.bot_password = template.bot_password
        self.access_log_path = folder / "access.log"
        self.settings_path = folder / "LocalSettings.php"
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._human: requests.Session | None = None
        self._human_token = ""
        self._seeds = 0

    @classmethod
    def fresh(cls, template: Template, parent: Path | None = None,
              extensions: tuple[str, ...] | list[str] = ()) -> Wiki:
        """A new running wiki: a copy of the template's data, on a free port, with the given
        bundled extensions loaded (`extensions=("TemplateData",)`). Raises RuntimeError for an
        extension the package does not bundle."""
        folder = Path(tempfile.mkdtemp(prefix="wiki-", dir=parent or template.root))
        shutil.copytree(template.data, folder / "data")
        try:
            wiki = cls(template, folder, tuple(extensions))
        except RuntimeError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        for _ in range(3):  # another process may take the port between choice and bind
            wiki._configure(_free_port())
            try:
                wiki.start()
                return wiki
            except OSError:
                continue
        raise RuntimeError(f"php -S found no free port:\n{wiki._log_tail()}")

    @property
    def base_url(self) -> str:
        """The wiki's address ($wgServer), e.g. http://127.0.0.1:8080."""
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        """The api.php URL."""
        return f"{self.base_url}/api.php"

    def _configure(self, port: int) -> None:
        """Write LocalSettings.php for this folder and port."""
        self.port = port
        text = re.sub(r'(?m)^\$wgServer = .*$', f'$wgServer = "{self.base_url}";',
                      self.template.settings)
        text = re.sub(r'(?m)^\$wgSQLiteDataDir = .*$',
                      f'$wgSQLiteDataDir = "{self.dir / "data"}";', text)
        self.settings_path.write_text(text + self._extension_settings())

    # -- extensions --------------------------------------------------------------------

    def enable_extension(self, name: str) -> None:
        """Load a bundled extension (wfLoadExtension in this wiki's settings), from the next
        request on; already loaded: nothing. Raises RuntimeError when it is not bundled."""
        if name in self.extensions:
            return
        self._add_extension(name)
        if self.port:
            self._configure(self.port)

    def _add_extension(self, name: str) -> None:
        reason = missing_extension(name)
        if reason:
            raise RuntimeError(reason)
        self.extensions += (name,)

    def _extension_settings(self) -> str:
        """The settings that load this wiki's extensions ("" without any)."""
        if not self.extensions:
            return ""
        loads = "\n".join(f"wfLoadExtension( '{name}', '{extension_path(name)}' );"
                           for name in self.extensions)
        cache = self.template.root / ("cache-" + "+".join(sorted(self.extensions)))
        return EXTENSION_SETTINGS.format(cache=cache, loads=loads)

    # -- server ------------------------------------------------------------------------

    def start(self) -> None:
        """Serve the wiki (again, on the same port) and wait until api.php answers.
        Raises OSError when the port is taken, RuntimeError when the server fails."""
        if self._process is not None:
            return
        env = {**os.environ, "MW_INSTALL_PATH": str(self.template.code),
               "MW_CONFIG_FILE": str(self.settings_path)}
        code = str(self.template.code)
        with open(self.access_log_path, "ab") as log:
            self._process = subprocess.Popen(
                ["php", "-S", f"{HOST}:{self.port}", "-t", code], cwd=code, env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        _running.add(self)
        self._wait_ready()

    def _wait_ready(self) -> None:
        """Poll api.php until it answers. Raises OSError/RuntimeError when php -S died."""
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                self._process = None
                _running.discard(self)
                tail = self._log_tail()
                if "Address already in use" in tail:
                    raise OSError(f"port {self.port} is taken")
                raise RuntimeError(f"php -S exited:\n{tail}")
            try:
                if "query" in self.api(meta="siteinfo"):
                    return
            except (requests.RequestException, ValueError):
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the wiki on port {self.port} did not answer in {READY_TIMEOUT} s")

    def stop(self) -> None:
        """Stop the server (the wiki's data stays; start() brings it back)."""
        process, self._process = self._process, None
        _running.discard(self)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def destroy(self) -> None:
        """Stop the server and delete the wiki's folder."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def requests_served(self) -> int:
        """How many HTTP requests php -S has answered (from the access log)."""
        if not self.access_log_path.exists():
            return 0
        log = self.access_log_path.read_text(errors="replace")
        return len(re.findall(r"\[\d{3}\]: [A-Z]+ ", log))

    def _log_tail(self) -> str:
        """The end of the access log, for error messages."""
        if not self.access_log_path.exists():
            return ""
        return self.access_log_path.read_text(errors="replace")[-2000:]

    # -- content -----------------------------------------------------------------------

    def api(self, **params: Any) -> dict[str, Any]:
        """An anonymous GET to api.php (format=json, formatversion=2); the decoded answer."""
        params = {"action": "query", "format": "json", "formatversion": 2, **params}
        answer: dict[str, Any] = requests.get(self.api_url, params=params, timeout=30).json()
        return answer

    def text(self, title: str) -> str | None:
        """The current text of a page, None when it does not exist."""
        answer = self.api(titles=title, prop="revisions", rvprop="content", rvslots="main")
        page = answer["query"]["pages"][0]
        if page.get("missing") or page.get("invalid"):
            return None
        return str(page["revisions"][0]["slots"]["main"]["content"])

    def seed(self, pages: dict[str, str]) -> None:
        """Create (or add a revision to) pages as Admin, in one importDump.php run; their
        revisions are dated now. Imports make no recent changes."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        entries = "".join(
            f"<page><title>{escape(title)}</title><revision><timestamp>{now}</timestamp>"
            f"<contributor><username>{ADMIN_USER}</username></contributor>"
            f"<model>wikitext</model><format>text/x-wiki</format>"
            f'<text xml:space="preserve">{escape(text)}</text></revision></page>'
            for title, text in pages.items()
        )
        self._seeds += 1
        dump = self.dir / f"seed-{self._seeds}.xml"
        dump.write_text('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
                        f'version="0.11" xml:lang="fr">{entries}</mediawiki>', encoding="utf-8")
        self.run_maintenance("importDump", "--quiet", str(dump))

    def edit_as_human(self, title: str, text: str, summary: str = "modification humaine") -> int:
        """Save `text` as Humain, a plain user; return the new revision id.
        Raises RuntimeError when the wiki refuses the edit."""
        session = self._human_session()
        answer = session.post(self.api_url, data={
            "action": "edit", "title": title, "text": text, "summary": summary,
            "format": "json", "formatversion": 2, "token": self._human_token,
        }, timeout=30).json()
        if answer.get("edit", {}).get("result") != "Success":
            raise RuntimeError(f"edit of {title} as {HUMAN_USER} refused: {answer}")
        return int(answer["edit"].get("newrevid") or 0)

    def _human_session(self) -> requests.Session:
        """A session logged in as Humain (clientlogin), with its csrf token."""
        if self._human is None:
            session = requests.Session()
            login = self._get(session, meta="tokens", type="login")["tokens"]["logintoken"]
            answer = session.post(self.api_url, data={
                "action": "clientlogin", "username": HUMAN_USER, "password": HUMAN_PASSWORD,
                "loginreturnurl": self.base_url, "logintoken": login, "format": "json",
            }, timeout=30).json()
            if answer.get("clientlogin", {}).get("status") != "PASS":
                raise RuntimeError(f"login as {HUMAN_USER} refused: {answer}")
            self._human_token = self._get(session, meta="tokens")["tokens"]["csrftoken"]
            self._human = session
        return self._human

    def _get(self, session: requests.Session, **params: Any) -> dict[str, Any]:
        """A query GET in `session`; its `query` part."""
        params = {"action": "query", "format": "json", "formatversion": 2, **params}
        query: dict[str, Any] = session.get(self.api_url, params=params, timeout=30).json()["query"]
        return query

    def expire_sessions(self) -> None:
        """Forget every login on the server side, as when sessions time out."""
        with sqlite3.connect(self.dir / "data" / "wikicache.sqlite") as db:
            db.execute("DELETE FROM objectcache WHERE keyname LIKE '%:MWSession:%'")
        self._human = None

    def set_read_only(self, reason: str | None) -> None:
        """Make the wiki read-only with `reason` ($wgReadOnly), or writable again with None."""
        flag = self.dir / "readonly.txt"
        if reason is None:
            flag.unlink(missing_ok=True)
        else:
            flag.write_text(reason or "read-only")

    def set_edit_right(self, allowed: bool) -> None:
        """Take the edit right from every account (a flag file read on each request, as
        readonly.txt: the settings' code is cached), or give it back."""
        flag = self.dir / "noedit.txt"
        if allowed:
            flag.unlink(missing_ok=True)
        else:
            flag.write_text("no edit")

    def delete(self, title: str, reason: str = "suppression par un administrateur") -> None:
        """Delete a page as Admin (deleteBatch.php)."""
        listing = self.dir / "delete.txt"
        listing.write_text(title + "\n", encoding="utf-8")
        self.run_maintenance("deleteBatch", "-u", ADMIN_USER, "-r", reason, str(listing))

    def run_maintenance(self, script: str, *args: str) -> str:
        """Run maintenance/<script>.php on this wiki; its output. Raises RuntimeError."""
        name = script if script.endswith(".php") else f"{script}.php"
        return _php(self.template.code, self.settings_path, f"maintenance/{name}", *args)


@atexit.register
def _stop_all() -> None:
    """Stop the servers still running when Python exits."""
    for wiki in list(_running):
        wiki.stop()
