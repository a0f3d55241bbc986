"""Tools for the course's authors and maintainers, not needed to grade: simulated submissions
(``simulate``), the self-test and its catalogue, the quick check, the benchmark, the soak test
and the demo."""
