"""Sphinx configuration for dnacnn."""

import os

import dnacnn

# Fewer TensorFlow C++ log lines in the build log (those printed before absl
# reads the setting still show); the tutorials' subprocesses inherit both.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

project = "dnacnn"
author = "the dnacnn developers"
copyright = "2026, the dnacnn developers"
release = dnacnn.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autodoc_typehints = "none"  # numpydoc docstrings already give the types
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
intersphinx_mapping = {}  # no network at build time
exclude_patterns = ["_build", "examples"]  # examples/: sphinx-gallery's sources

# scikit-learn's theme: the root toctree's entries are the top bar's sections.
html_theme = "pydata_sphinx_theme"
html_title = f"dnacnn {release}"
html_theme_options = {
    "logo": {"text": "dnacnn"},
    "navbar_align": "left",
    "header_links_before_dropdown": 7,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "getting_started": [], "contributing": []}
html_static_path = []
html_show_sourcelink = False

# The examples gallery: docs/examples/plot_*.py, run at build (each trains a
# small model in seconds) into docs/auto_examples/, figures included.
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",  # plot_1_... to plot_5_...
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "capture_repr": (),  # only what an example prints
    "matplotlib_animations": False,
    "reset_modules": ("matplotlib",),
}
nitpicky = False


# --------------------------------------------------------------------------
# The tutorial's figures and numbers come from running docs/tutorial.py.
# --------------------------------------------------------------------------
def _run_tutorial(app):
    import os
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    env = dict(os.environ, MPLBACKEND="Agg")
    shared = here.parents[1] / "shared" / "data"
    if "DNACNN_DATA" not in env and (shared / "primer" / "sequences.txt").is_file():
        env["DNACNN_DATA"] = str(shared)  # the checkout's copy: no download
    # Read (or download once) the primer's files; a build with neither (a
    # clone on its own, offline) runs the page on simulated stand-in data,
    # which the page says at its top.
    fetched = subprocess.run(
        [sys.executable, "-c", "import dnacnn; dnacnn.fetch_primer()"],
        env=env,
        capture_output=True,
        text=True,
    )
    if fetched.returncode:
        reason = fetched.stderr.strip().splitlines()[-1]
        print(f"tutorial: no primer data, running on a stand-in ({reason})")
        env["DNACNN_TUTORIAL_STAND_IN"] = reason
    subprocess.run(
        [
            sys.executable,
            str(here / "tutorial.py"),
            str(here / "generated" / "tutorial"),
        ],
        check=True,
        env=env,
    )


# "From a model to named motifs" comes from running docs/named_motifs.py.
def _run_named_motifs(app):
    import os
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    subprocess.run(
        [
            sys.executable,
            str(here / "named_motifs.py"),
            str(here / "generated" / "named_motifs"),
        ],
        check=True,
        env=dict(os.environ, MPLBACKEND="Agg"),
    )


def setup(app):
    app.connect("builder-inited", _run_tutorial)
    app.connect("builder-inited", _run_named_motifs)
