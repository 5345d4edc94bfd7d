"""Program 4 tables and queries."""
