"""Program 4 activities."""
