from tsr_news.cli import main

raise SystemExit(main())
