"""Test package (importable as tests.* so bench/ scripts can reuse tests.support)."""
