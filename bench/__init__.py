"""Load and speed benchmarks for Kabar, against nginx serving the same page as a file."""
