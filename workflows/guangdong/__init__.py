"""Program 3's workflows: the yearly assessment round and one filing per zone."""
