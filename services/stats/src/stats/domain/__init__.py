"""Statistics rules: which events count, windows, tallies and their merge. No I/O."""
