"""The repository keeps one folder per wing (simulator/, detector/, course/, labs/...); installed, they all live
under the `stalkerlab` namespace (stalkerlab.detector, ...), so no generic top-level name such as `detector`
lands in site-packages. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

# installed name -> repository folder
WINGS = {
    "stalkerlab": "stalkerlab",
    "stalkerlab.simulator": "simulator",
    "stalkerlab.detector": "detector",
    "stalkerlab.course": "course",
    "stalkerlab.labs": "labs",
}


def wing_packages() -> list[str]:
    packages = []
    for name, folder in WINGS.items():
        packages.append(name)
        packages += [f"{name}.{sub}" for sub in find_packages(folder, exclude=["node_modules*"])]
    return packages


setup(package_dir=WINGS, packages=wing_packages())
