"""Program 1's commands (RULES.md program 1): users and tokens, clusters, actions, meetings and
the joint document, the radar, annexes, attachments, bodies, 达标值, documents, audit and the
simulator. ``cli.main`` (the ``designation`` entry point, calendar commands and the shared
options) imports them so they register on its app; command names are the ones users already
type.
"""
