"""What the stats service does: record facts into windowed tallies, report buckets."""
