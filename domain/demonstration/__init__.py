"""Program 2 of RULES.md: the CNLIC selection of 轻工业创新升级示范特色区域和产业集群 (seeds/000,
轻工业创新升级示范特色区域和产业集群评选办法). One selection round is one campaign: the cap of 20% of
program 1's valid titles, eligibility computed from program 1's journal, association
recommendation with the 推荐表, first review, the committee's 2/3 vote, public notice with
objections, approval and commendation. Pure domain: no clocks, no I/O; program 1's records
arrive as the small facts of ``eligibility`` (``TitleFact``, ``JournalFact``).
"""
