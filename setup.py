"""Package discovery for the sentido distribution; everything else is in pyproject.toml.

The repository keeps ``engine/``, ``plugins/``, ``desktop/`` and ``resources/`` at its top, and they install as
``sentido.engine``, ``sentido.plugins``, ... . setuptools' discovery in pyproject.toml cannot add that prefix, so
this file finds every package under those folders with ``find_namespace_packages`` (data folders included, so
setuptools never warns that they "would be ignored") and maps it under ``sentido``. A new sub-package is picked up
without editing anything; nothing installs a bare top-level ``engine`` or ``desktop`` package.

The model bundles in ``resources/models/`` are not part of this distribution: they are the separate
``sentido-models`` distribution (``resources/models/pyproject.toml``), so a code release never re-uploads weights.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = ("engine", "plugins", "desktop", "resources")
SKIP = ["__pycache__", "*.__pycache__", "models", "models.*"]  # models: the sentido-models distribution

packages = ["sentido"]
package_dir = {"sentido": "sentido"}
for folder in FOLDERS:
    package_dir[f"sentido.{folder}"] = folder
    packages.append(f"sentido.{folder}")
    packages.extend(f"sentido.{folder}.{name}" for name in find_namespace_packages(folder, exclude=SKIP))

setup(packages=packages, package_dir=package_dir)
