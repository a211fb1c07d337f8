from moviepick.cli import main

raise SystemExit(main())
