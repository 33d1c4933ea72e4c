from instructor.gradescope import main

raise SystemExit(main())
