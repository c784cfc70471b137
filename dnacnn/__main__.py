"""``python -m dnacnn``: the ``dnacnn`` command."""

import sys

from .cli import main

sys.exit(main())
