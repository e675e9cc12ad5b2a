import sys

from vpp_tui.cli import main

sys.exit(main())
