"""The soak test's leak check (autograder.devtools.soak.growth) on series like the ones it samples."""

import random

from autograder.devtools.soak import FD_MARGIN, RSS_MARGIN, growth


def test_descriptors_that_swing_between_notebooks_are_flat():
    # As measured in the 1,000-submission soak: between 11 and 39 from one sample to the next, 14 at the end.
    rng = random.Random(1)
    series = [rng.choice([11, 14, 20, 27, 39]) for _ in range(1000)] + [14]
    assert growth(series, FD_MARGIN) is None


def test_a_descriptor_leak_of_one_per_notebook_is_caught():
    rng = random.Random(2)
    series = [rng.choice([11, 20, 39]) + n // 10 for n in range(1000)]  # one descriptor kept every 10 samples
    early, late, rise = growth(series, FD_MARGIN)
    assert rise >= 60 and max(late) > max(early)


def test_memory_that_creeps_is_caught_and_allocator_noise_is_not():
    rng = random.Random(3)
    mib = 2**20
    noisy = [140 * mib + rng.randrange(0, 8 * mib) for _ in range(600)]
    assert growth(noisy, RSS_MARGIN) is None
    creeping = [140 * mib + n * mib // 4 for n in range(600)]  # 150 MiB more by the end
    assert growth(creeping, RSS_MARGIN)[2] > RSS_MARGIN
