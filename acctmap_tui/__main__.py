from acctmap_tui.cli import main

raise SystemExit(main())
