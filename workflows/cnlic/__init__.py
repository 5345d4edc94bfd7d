"""Program 1's workflows (RULES.md program 1, the CNLIC co-built clusters): one
``DesignationWorkflow`` per cluster (``designation-<key>``), the program's own
``ProgramWorkflow`` (``program-cnlic``: the meeting queue and the year) and its yearly
``RecognitionWorkflow``, with every input and result in ``contracts``. Workflow, update,
signal and query names are the class and method names: recorded histories replay against
them, so they never change when the code moves.
"""
