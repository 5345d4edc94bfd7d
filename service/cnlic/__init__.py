"""Program 1's services (RULES.md program 1): what the console, the API and the CLI call for the
CNLIC co-built clusters — the action and start schemas, registration and bulk onboarding, the
lifecycle service over Temporal, the console's read side, annexes as XLSX, attachments,
bodies, 达标值, published documents, 我的待办, housekeeping, the demo and the simulator. The
shared runtime (Temporal connection and worker, users, throttling, notifications, calendars)
is the kernel at the top of ``service``.
"""
