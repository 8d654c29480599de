from tsr_news.cli.main import main

raise SystemExit(main())
