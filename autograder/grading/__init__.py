"""Running one submission safely and recording what came of it.

- ``pipeline``: one submission in, a typed result out (nbgrader's preprocessors, the sandbox kernel,
  the checks of the cells a student must not touch);
- ``executor``: nbgrader's Execute taught time caps, dead kernels, the trusted re-check and integrity probes;
- ``replay``, ``verdict``: the trusted re-check of every test cell, in a process that never runs student code
  (``verdict``) and calls the student's functions in the kernel through the grading process (``replay``);
- ``jail``, ``kernels``, ``sandbox``: the bubblewrap jail, the warm kernel pool, the kernel's launcher
  and its tampering witness;
- ``integrity``: typed findings (``Status``, ``Flag``) and the witness's report;
- ``limits``: the limits a submission runs under, from one place;
- ``record``: the single writer to the gradebook.
"""
