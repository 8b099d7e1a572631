"""`python -m orchestrator.cli`, as `rota serve --workers` starts each worker."""

from orchestrator.cli import main

main()
