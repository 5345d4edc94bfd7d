"""Program 3's console: API under ``/api/guangdong`` and pages under ``/guangdong``."""
