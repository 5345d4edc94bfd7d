"""Program 4 (MIIT regional-brand pilots and demonstration zones): services."""
