"""Domain signals: how one area reacts to another's facts without the two importing each other.

Receivers run synchronously inside the sender's transaction, so whatever they write
(notifications, outbox rows, ledger entries) commits or rolls back with the fact itself.
Receivers connect at import of their service module; backend/models.py imports them all.

| signal | sender | keyword arguments |
|---|---|---|
| report_event | the Report | event: ReportEvent (already flushed, has an id) |
| report_supported | the Report | citizen: Citizen |
| task_closed | the Task | outcome: str, answers: list |
"""
from blinker import Namespace

_signals = Namespace()

report_event = _signals.signal("report-event")
report_supported = _signals.signal("report-supported")
task_closed = _signals.signal("task-closed")
