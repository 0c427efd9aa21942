"""`python3 tools/datanode-sim ...`: see datanode_sim/cli.py."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from datanode_sim.cli import main  # noqa: E402

sys.exit(main())
