"""Program 1 (RULES.md): the CNLIC co-built industrial-cluster program (中国轻工业特色区域和产业集群
共建管理办法, 2022) — its vocabulary (stages, procedures, titles, roles), the versioned policy, the
lifecycle's transition table and aggregate, the rules of each procedure, the annexes (附件一 score
sheet and 达标值, 附件三, 附件四, 附件五), the directory of bodies, titles and naming, the documents it
publishes, access and 我的待办. Pure, like the kernel it builds on (``domain``): callers pass
``today`` and a calendar. Other programs import the kernel, not this package.
"""
