"""Connectors: pull the day's HR roster or LMS records from a vendor API into the landing zone."""
