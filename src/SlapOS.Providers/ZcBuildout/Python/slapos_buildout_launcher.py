# Runs Debian's zc.buildout 2.13 on Python 3.10+ (written out by SlapOS for .NET).
# zc.buildout 2.13 imports collections.MutableMapping & co., which moved to collections.abc
# in Python 3.10: alias them back, put the recipe distributions (SLAPOS_BUILDOUT_RECIPES)
# on sys.path so that pkg_resources finds them without any download, then run buildout.
import collections
import collections.abc
import os
import sys

for _name in collections.abc.__all__:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

_recipes = os.environ.get("SLAPOS_BUILDOUT_RECIPES")
if _recipes:
    sys.path.insert(0, _recipes)

import zc.buildout.buildout  # noqa: E402  (after the aliases)

if __name__ == "__main__":
    sys.exit(zc.buildout.buildout.main())
