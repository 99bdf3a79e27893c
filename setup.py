"""The build step pyproject.toml cannot declare: the gettext catalogs (movibot/locale/*/
LC_MESSAGES/movibot.po) compiled to .mo with Babel, into the wheel (or in place for an editable
install), so that an installed movibot speaks French without Babel at run time."""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


def _locale():  # movibot/locale/__init__.py alone: the package's imports are not installed yet
    spec = importlib.util.spec_from_file_location("_movibot_locale",
                                                  HERE / "movibot" / "locale" / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithCatalogs(build_py):
    """build_py, then the catalogs compiled where the package's modules go."""

    def run(self) -> None:
        super().run()
        locale = _locale()
        if getattr(self, "editable_mode", False):
            locale.compile_catalogs()
        else:
            locale.compile_catalogs(Path(self.build_lib) / "movibot" / "locale")


setup(cmdclass={"build_py": BuildWithCatalogs})
