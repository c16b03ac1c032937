"""Jobs: what each command does, from named files to written files, as a library API.

A job reads and checks its inputs, runs the stages (:mod:`translate.pipeline`)
and writes through the exporters (:mod:`translate.export`); the CLI only parses
its arguments, calls one job and prints what the job reports.  Keeping the
orchestration here, one floor above the pipeline, is what lets the stages below
stay free of file handling and the front ends above (the CLI, the cluster
runner) share one way of doing each command:

* :mod:`translate.jobs.translate`: ``tarjama translate`` (plan a batch, then translate and write file by file);
* :mod:`translate.jobs.align`: ``tarjama align SOURCE TARGET`` (one pair);
* :mod:`translate.jobs.corpus`: ``tarjama align`` of two folders (each pair as one, the merged TMX);
* :mod:`translate.jobs.check`: ``tarjama check``.
"""
