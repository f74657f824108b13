"""Reminders: the day's chase list turned into one digest per recipient, sent once.

digests.py builds the digests from the warehouse, rendering.py writes their text,
outbox.py sends them (SMTP, webhook) or writes them as files (dry run), reminders_log.py
records every attempt so a day is never sent twice, and sending.py ties them together
for the Dagster asset in assets.py. docs/reminders.md describes the behaviour.
"""
