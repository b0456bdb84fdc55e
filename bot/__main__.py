"""`python -m bot` (DESIGN.md §4, contract): the same as the `netvaerk` console script."""

from netvaerk.cli import main

raise SystemExit(main())
