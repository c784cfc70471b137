"""Sphinx configuration for dnacnn."""

import dnacnn

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
]
autodoc_typehints = "none"  # numpydoc docstrings already give the types
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
intersphinx_mapping = {}  # no network at build time
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
nitpicky = False
