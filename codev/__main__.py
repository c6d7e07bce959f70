import sys

from codev.cli import main

sys.exit(main())
