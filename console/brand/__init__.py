"""Program 4 console: API and pages."""
