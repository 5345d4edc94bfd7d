"""Program 3's activities."""
