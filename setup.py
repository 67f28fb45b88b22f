"""eTwinning Skills Labs for Open edX: XBlocks and a plugin app for the Greek eTwinning NSS."""

import re
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "etwinning_plugin" / "__init__.py").read_text()).group(1)


def requirements(name):
    """Requirement lines of requirements/<name>.in (the unpinned, supported ranges)."""
    lines = (HERE / "requirements" / f"{name}.in").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip() and not line.startswith("-")]


setup(
    name="etwinning-skillslabs",
    version=VERSION,
    description="Skills Labs 21+ activities turned into eTwinning collaboration: XBlocks and an Open edX plugin",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.12",
    packages=find_namespace_packages(
        include=["skillslab_xblock", "skillslab_xblock.*", "etwinning_plugin", "etwinning_plugin.*"]
    ),
    include_package_data=True,
    package_data={
        "skillslab_xblock": [
            "domain/data/*.json",
            "templates/*/*.html",
            "public/css/*.css",
            "public/js/*.js",
            "public/js/translations/*/*.js",
            "translations/*/LC_MESSAGES/*.po",
            "translations/*/LC_MESSAGES/*.mo",
        ],
        "etwinning_plugin": [
            "templates/etwinning_plugin/*.html",
            "locale/*/LC_MESSAGES/*.mo",
            "reporting/schemas/*.json",
        ],
    },
    install_requires=requirements("base"),
    extras_require={"test": requirements("test")},
    entry_points={
        "xblock.v1": [
            "skillslab_activity = skillslab_xblock.activity:SkillsLabActivityBlock",
            "etwinning_partners = skillslab_xblock.partners:EtwinningPartnersBlock",
            "etwinning_project_plan = skillslab_xblock.project_plan:EtwinningProjectPlanBlock",
            "etwinning_survey = skillslab_xblock.survey:EtwinningSurveyBlock",
            "etwinning_self_assessment = skillslab_xblock.self_assessment:EtwinningSelfAssessmentBlock",
            "etwinning_registration = skillslab_xblock.registration:EtwinningRegistrationBlock",
        ],
        "lms.djangoapp": ["etwinning_plugin = etwinning_plugin.apps:EtwinningPluginConfig"],
        "cms.djangoapp": ["etwinning_plugin = etwinning_plugin.apps:EtwinningPluginConfig"],
    },
    classifiers=[
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.12",
        "Natural Language :: Greek",
        "Natural Language :: English",
    ],
    zip_safe=False,
)
