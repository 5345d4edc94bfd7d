"""Program 2's service layer: the step schemas (``actions``), the rounds (``rounds``), the
commendation DOCX (``documents``), the 推荐表 indicators XLSX (``indicators_xlsx``), the demo
set, the simulator and the hooks (``program``)."""
