from netvaerk.cli import main

raise SystemExit(main())
