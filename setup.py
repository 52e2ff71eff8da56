"""Build glue: ship the top-level ``models/`` and ``analyses/`` specs inside the package.

The specs live at the top of the repository, where people read and edit them.
A wheel only carries what is inside the package, so ``build_py`` copies both
folders into ``neurocomp/_bundled/`` of the build tree. In a source checkout or an
editable install there is no ``_bundled`` folder and ``neurocomp.cli`` finds the
specs beside the package instead (see ``bundled_spec_dirs``).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SPEC_FOLDERS = ("models", "analyses")


class build_py_with_specs(build_py):
    def run(self):
        super().run()
        if self.editable_mode if hasattr(self, "editable_mode") else False:
            return
        target = Path(self.build_lib) / "neurocomp" / "_bundled"
        for folder in SPEC_FOLDERS:
            source = HERE / folder
            if not source.is_dir():
                raise FileNotFoundError(f"cannot bundle the specs: {source} is missing")
            dest = target / folder
            dest.mkdir(parents=True, exist_ok=True)
            for spec in sorted(source.glob("*.toml")):
                shutil.copy2(spec, dest / spec.name)


setup(cmdclass={"build_py": build_py_with_specs})
