"""End-to-end tests: a real Chromium against the real `workbook app` server."""
