"""Running one submission safely and recording what came of it.

- ``pipeline``: one submission in, a typed result out (nbgrader's preprocessors, the runner, the checks of
  the cells a student must not touch); ``preparation``: nbgrader's preprocessors around a run, with the
  gradebook snapshot opened and nbgrader's metadata schema checked once per worker;
- ``runner``: the process a notebook's cells run in (IPython's shell, outputs recorded as a kernel's), and its
  request protocol; ``sandbox``: the runner's launcher and its tampering witness;
- ``executor``: a notebook's cells run in a runner as nbgrader's Execute runs them in a kernel, with time limits,
  dead or garbled runners, the trusted re-check and the integrity probes;
- ``replay``, ``verdict``: the trusted re-check of every test cell, in a process that never runs student code
  (``verdict``) and calls the student's functions in the runner through the grading process (``replay``);
- ``framing``: the grader's end of its framed connections to runners and verdict processes (bounded, checked);
- ``jail``, ``pool``, ``template``: the bubblewrap jail, the pool of runners, the warm template they are
  forked from;
- ``integrity``: typed findings (``Status``, ``Flag``) and the witness's report;
- ``limits``: the limits a submission runs under, from one place;
- ``record``: the single writer to the gradebook.
"""
