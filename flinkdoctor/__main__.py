"""``python -m flinkdoctor``: the same entry point as the ``flinkdoctor`` script."""

from flinkdoctor.cli.app import main

main()
