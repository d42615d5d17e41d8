"""The ``connect`` command line (reads ``CONNECT_API_KEY`` and ``CONNECT_API_URL``)."""
