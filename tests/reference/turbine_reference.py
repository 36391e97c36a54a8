"""Swimlane's own runtime for a manifest-only HTTP connector, as Turbine runs it.

swimlane-core reads stdin, ASSET_KEYS and the manifests (every *.yaml under the
working directory, so run this from the repository root: it loads OUR
manifests); connector-def-runner makes the request with `requests` and builds
the envelope. This is the reference `knowbe4 turbine` is compared against.
"""

import swimlane_core
from connector_definition_runner import Runner


def main() -> None:
    runner = Runner(swimlane_core.get_asset(), swimlane_core.get_asset_schema(), swimlane_core.get_proxy())
    # Runner.run prints ::set-error and exits 1 itself on HTTP >= 400 or an exception.
    result = runner.run(swimlane_core.get_inputs(), swimlane_core.get_action_schema())
    print(swimlane_core.get_output(result))


if __name__ == "__main__":
    main()
