"""`python -m plandata` runs the CLI."""

from plandata.cli import main

raise SystemExit(main())
