"""Program 2's workflows (RULES.md program 2): ``DemonstrationRoundWorkflow``, one per selection
round, id ``demonstration-round-<key>``."""
