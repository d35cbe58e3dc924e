"""``python -m sentido``: the same command line as ``sentido``."""

import sys

from sentido.engine.cli import main

sys.exit(main())
