import sys

from cloudroute_desk.app import main

sys.exit(main())
