"""Program 1's activities (RULES.md program 1): the side effects of the cluster lifecycle —
deadline plans on the working-day calendar, journal and read-model writes, notifications —
as methods of one class holding its store. Activity names are the method names and never
change when the code moves (recorded histories name them).
"""
