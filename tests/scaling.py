"""How a function's time grows with its input, measured against itself in the same test
(never against a fixed number of seconds: the machine is shared and noisy)."""

import time


def best_seconds(function, argument, tries=3):
    """The shortest of `tries` runs of function(argument), in seconds."""
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        function(argument)
        best = min(best, time.perf_counter() - start)
    return best


def growth(function, unit, small, times=4):
    """(seconds for `unit` * small, seconds for `unit` * small * times): for a linear
    function the second is about `times` the first, for a quadratic one `times` squared."""
    return (
        best_seconds(function, unit * small),
        best_seconds(function, unit * (small * times)),
    )
