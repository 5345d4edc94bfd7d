"""Program 1's console and HTTP API (RULES.md program 1): the cluster list and page, the
overview and radar, the action forms and their per-action routes, registration and bulk
onboarding, annexes, attachments, bodies, 达标值, published documents, downloads and 我的待办.
The app shell (``console.app``), the guard on every request, error pages, the CSP, the
server and its scheduler stay at the top of ``console``; templates are shared in
``console/templates``. URLs are the ones clients already use.
"""
