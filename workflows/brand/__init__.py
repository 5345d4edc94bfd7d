"""Program 4 workflows: the pilot and the MIIT batches."""
