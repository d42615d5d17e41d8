"""The fault-injection suite (issue 13): ``make chaos`` runs it at length, ``test_chaos.py``
briefly inside ``make test``. docs/reliability.md describes the faults and the checks."""
