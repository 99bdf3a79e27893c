"""Sites: where pages are read from and written to. All share the `Site` interface.

`open_site(spec, config)` picks one: an http(s) URL is a live MediaWiki, `dump:FILE.xml` an
XML export (read-only), anything else a folder of .wiki files; nothing means the local fiches/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from movibot.errors import UsageError
from movibot.resources import fiches_dir

BUNDLED_FICHES = fiches_dir()


def default_site_path() -> Path:
    """./fiches when it exists, else the fiches/ folder shipped beside the package."""
    local = Path("fiches")
    return local if local.is_dir() else BUNDLED_FICHES


def open_site(spec: str | None, config: Any, *, password: str | None = None,
              login: bool = False) -> Any:
    """The Site for `spec` (or the config's `site:`). Raises UsageError for a bad spec."""
    spec = spec or config.site
    if not spec:
        from movibot.sites.directory import DirectorySite

        return DirectorySite(default_site_path())
    if spec.startswith("dump:"):
        from movibot.sites.dump import DumpSite

        path = Path(spec[5:])
        if not path.is_file():
            raise UsageError(f"--site {spec}: no such file")
        return DumpSite(path)
    if spec.startswith(("http://", "https://")):
        from movibot.sites.mediawiki import MediaWikiSite

        site = MediaWikiSite(spec, user_agent=config.user_agent, maxlag=config.maxlag,
                             username=config.username, password=password)
        if login:
            if not config.username or not password:
                raise UsageError(
                    "writing to a wiki needs `username` in movibot.yaml and a password "
                    "(MOVIBOT_PASSWORD or password_file)"
                )
            site.login()
        return site
    if "://" in spec:
        raise UsageError(f"--site {spec}: only http(s) URLs, folders and dump:FILE are supported")
    from movibot.sites.directory import DirectorySite

    return DirectorySite(spec)
