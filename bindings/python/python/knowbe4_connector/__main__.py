"""``python -m knowbe4_connector ACTION``: run one action under Swimlane
Turbine's runtime protocol, exactly as ``knowbe4 turbine ACTION`` does.

Standard input holds one JSON object with asset values and action inputs;
``ASSET_KEYS`` names the asset's keys; ``http_proxy`` (environment) wins over
the asset's. Success prints ``::set-output <json>`` and exits 0; an HTTP
status >= 400 or an error prints ``::set-error <json>`` on stderr and exits 1.
"""

from __future__ import annotations

import sys
from typing import List, Optional

from . import _native

USAGE = "usage: python -m knowbe4_connector ACTION  (inputs as JSON on stdin, ASSET_KEYS in the environment)\n"


def main(argv: Optional[List[str]] = None) -> int:
    """Run the action named in ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        sys.stderr.write(USAGE)
        return 2
    # The core writes to the file descriptors directly; nothing buffered may follow it out of order.
    sys.stdout.flush()
    sys.stderr.flush()
    return _native.turbine_main(args[0])


if __name__ == "__main__":
    sys.exit(main())
