"""Program 3's services: the round and the filings, the 考核表 as XLSX, the summaries."""
