"""tutor-contrib-etwinning: install eTwinning Skills Labs for Open edX into a Tutor 22 deployment."""

import re
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "tutoretwinning" / "__about__.py").read_text()).group(1)

setup(
    name="tutor-contrib-etwinning",
    version=VERSION,
    description="Tutor plugin for eTwinning Skills Labs for Open edX (the Greek eTwinning NSS's XBlocks and plugin)",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.10",
    packages=["tutoretwinning"],
    package_data={"tutoretwinning": ["patches/*"]},
    include_package_data=True,
    # Only Tutor: this runs on the operator's host, where the bundle itself (Django, XBlock) is not needed.
    install_requires=["tutor>=22,<23"],
    entry_points={"tutor.plugin.v1": ["etwinning = tutoretwinning.plugin"]},
    classifiers=["Programming Language :: Python :: 3"],
    zip_safe=False,
)
