"""`/board/setup`: the day set up, checked and published in the browser. The form becomes a
programme TOML that `schedules`' own loader checks (one set of rules with `rota check`);
publishing writes the files the command line reads (docs/operations.md, "In the browser")."""
