"""`python -m lstm_core ...`: the command line (lstm_core/cli/). Bad input: exit status 2 and one `error:` line."""

import os
import sys

from lstm_core.cli.main import main, quiet_native_logs
from lstm_core.runtime import configure_threads

if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's start-up chatter off stderr
    configure_threads()
    quiet_native_logs()
    sys.exit(main())
