"""``make bench``: the load generator, the baselines and the scenarios of issue 8.

Pure parts (``stats``, ``pacing``, ``report``, ``profiles``) have no I/O and are unit-tested in
``tests/bench``; the rest drives a running stack (``python -m bench``).
"""
