"""Only what setup.cfg cannot say: the word lists in top-level ``references/`` ship as ``mtqa.wordlists``.

``references/`` stays the one source of the lists (people edit them there); mapping it as a package
puts the same files into the wheel, where ``mtqa.references`` reads them through ``importlib.resources``.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["mtqa", "mtqa.*"]), "mtqa.wordlists"],
    package_dir={"mtqa.wordlists": "references"},
    package_data={"mtqa.report": ["schema.json"], "mtqa.wordlists": ["*.tsv"]},
)
