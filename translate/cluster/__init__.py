"""Translating and aligning whole archives on a Ray cluster (``--ray``); see docs/cluster.md.

``connection`` reaches the cluster, ``workers`` is what runs there, ``runner``
is the driver that keeps the memory, the inputs and the outputs.  Importing
this package does not import Ray: only :func:`connection.connect` does.
"""
