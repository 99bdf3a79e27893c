"""Sites: where pages are read from and written to. All share the `Site` interface.

`open_site(spec, config)` picks one: an http(s) URL is a live MediaWiki, `dump:FILE.xml` an
XML export (read-only), anything else a folder of .wiki files; nothing means the local fiches/.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from movibot.config import Config, parse_site_spec
from movibot.errors import UsageError, WikiError
from movibot.i18n import Msg
from movibot.resources import fiches_dir
from movibot.sites.base import Site

if TYPE_CHECKING:
    from requests.auth import AuthBase

BUNDLED_FICHES = fiches_dir()


def default_site_path() -> Path:
    """./fiches when it exists, else the fiches/ folder shipped beside the package."""
    local = Path("fiches")
    return local if local.is_dir() else BUNDLED_FICHES


def open_site(spec: str | None, config: Config, *, password: str | None = None,
              auth: AuthBase | None = None, login: bool = False) -> Site:
    """The Site for `spec` (or the config's `site:`). Raises UsageError for a bad spec."""
    where = parse_site_spec(spec or config.site)
    if where.kind == "default":
        from movibot.sites.directory import DirectorySite

        return DirectorySite(default_site_path())
    if where.kind == "dump":
        from movibot.sites.dump import DumpSite

        path = Path(where.target)
        if not path.is_file():
            raise UsageError(Msg("--site {value}: no such file", value=spec or config.site))
        return DumpSite(path)
    if where.kind == "wiki":
        from movibot.sites.mediawiki import MediaWikiSite

        site = MediaWikiSite(where.target, user_agent=config.user_agent, maxlag=config.maxlag,
                             username=config.username, password=password, auth=auth)
        if login:
            if auth is None and (not config.username or not password):
                raise UsageError(
                    Msg("writing to a wiki needs OAuth (oauth2_token_file, or the oauth_* "
                        "keys) or `username` in movibot.yaml and a password "
                        "(MOVIBOT_PASSWORD or password_file)")
                )
            try:
                site.login()
            except WikiError as e:  # the report says how many requests were made
                e.requests = site.requests
                raise
        return site
    from movibot.sites.directory import DirectorySite

    return DirectorySite(where.target)
